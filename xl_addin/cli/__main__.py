"""`python -m xl_addin` runs the xlreg command."""

from xl_addin.cli import entry_point

if __name__ == "__main__":
    entry_point()
