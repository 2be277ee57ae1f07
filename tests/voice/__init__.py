"""Tests of the voice routes (Alexa skill, Dialogflow webhooks)."""
