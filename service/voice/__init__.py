"""Voice assistants: the Alexa custom skill and Dialogflow ES/CX webhooks, with spoken answers."""
