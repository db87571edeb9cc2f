"""How well the model is understood: the labelled corpora, scored offline and on the real Alexa."""
