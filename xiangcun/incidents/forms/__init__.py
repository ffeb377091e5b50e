"""Forms of the incidents app: the desk pages (desk.py) and the phone pages (mobile.py)."""
