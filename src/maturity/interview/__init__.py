"""The interactive interview behind ``maturity assess``, kept apart from terminal I/O.

- :mod:`.session`: the session model (profile, answers, position) and navigation rules;
- :mod:`.parse`: what a typed line means for the question on screen;
- :mod:`.store`: atomic saving to the answers file and the resume sidecar;
- :mod:`.messages`: the CLI's own messages in Chinese and English.
"""
