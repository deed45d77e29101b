"""The Textual practice app. It talks to the service layer only; blocking work runs in thread
workers that report back by messages."""
