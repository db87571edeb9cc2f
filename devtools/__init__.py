"""The developer tools around the skill: nothing here ships to Lambda or the web service.

alexa/ plays Alexa's part offline (resolver and simulator), console/ is the test console
(terminal and browser), understanding/ scores the labelled corpora (offline and on the real
Alexa), release/ lints the models and builds what deploys; `python -m devtools` runs them.
"""
