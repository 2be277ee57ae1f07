"""Names of the files in a built index folder, shared by the build and the readers.

A module of its own so that opening an index (store.py, on every Lambda cold start) does not
import the build and its writer-side dependencies.
"""

CURRENT_FILE = "CURRENT"
MANIFEST_FILE = "manifest.json"
