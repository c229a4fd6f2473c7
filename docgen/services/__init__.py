"""Use cases over the domain and its ports: file, pay, sign, submit, issue, refuse, show."""
