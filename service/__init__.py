"""Web layer: the Flask JSON API and the voice adapters over the search core in index/."""
