"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) at ``/open311/v2/``: our categories as services,
incidents as service requests, in XML and JSON; keys from ``manage.py open311_key``. See docs/open311.md."""
