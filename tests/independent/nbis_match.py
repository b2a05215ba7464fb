"""NIST NBIS's own C code (MINDTCT and BOZORTH3, as PyPI's nbis-py builds them) on the finger
images given (500 ppi PNGs): an outside reference for the station's matcher, which uses pure-Rust
ports of the same two programs. Prints a JSON object: "minutiae", the number found in each image,
and "scores", the BOZORTH3 score of every image (row, the probe) against every other (column)."""

import json
import sys

import nbis

settings = nbis.NbisExtractorSettings(min_quality=0.0, get_center=False, check_fingerprint=False, compute_nfiq2=False, ppi=500.0)
extractor = nbis.new_nbis_extractor(settings)
paths = sys.argv[1:]
templates = [extractor.extract_minutiae_from_image_file(p) for p in paths]
print(json.dumps({
    "minutiae": [len(t.get()) for t in templates],
    "scores": [[a.compare(b) for b in templates] for a in templates],
}))
