"""Checking and building what deploys: the model linter and `make package`."""
