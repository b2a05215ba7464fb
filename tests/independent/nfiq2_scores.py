#!/usr/bin/env python3
"""NIST's NFIQ 2 score of each fingerprint image given (500 ppi PNGs), through PyPI's nbis-py
(NBIS and NFIQ 2 built by their authors): an outside reference for the station's own finger
score. Prints a JSON object {path: score}; an image NFIQ 2 cannot process (too little finger to find
minutiae in) scores 0, as NFIQ 2 itself reports unusable images, and is named on stderr."""
import json
import sys

import nbis

settings = nbis.NbisExtractorSettings(min_quality=0.0, get_center=False, check_fingerprint=False, compute_nfiq2=True, ppi=500.0)
extractor = nbis.new_nbis_extractor(settings)
scores = {}
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        data = f.read()
    try:
        scores[path] = extractor.extract_minutiae(data).quality().score
    except nbis.NbisError as e:
        print(f"{path}: {e!r}: scored 0", file=sys.stderr)
        scores[path] = 0
print(json.dumps(scores))
