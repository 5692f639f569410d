# Shortcuts for people who prefer make; everything lives in tasks.py (stdlib Python).
PYTHON ?= python3

.PHONY: lab notebook doctor test test-browser site setup strip clean notebooks

lab:
	$(PYTHON) tasks.py lab

notebook:
	$(PYTHON) tasks.py notebook

doctor:
	$(PYTHON) tasks.py doctor

test:
	$(PYTHON) tasks.py test

test-browser:
	$(PYTHON) tasks.py browser

site:
	$(PYTHON) tasks.py site

setup:
	$(PYTHON) tasks.py setup

strip:
	$(PYTHON) tasks.py strip

clean:
	$(PYTHON) tasks.py clean

notebooks:
	$(PYTHON) tasks.py notebooks
