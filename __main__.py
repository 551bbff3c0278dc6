"""`python -m registro ...` runs the command line, as `registro ...` does (on Windows the usual way
when Python's Scripts folder is not on PATH)."""

from registro.cli import run

if __name__ == "__main__":
    run()
