"""The hostile-input corpus: generated cases run in forked, capped child processes (see runner.py)."""
