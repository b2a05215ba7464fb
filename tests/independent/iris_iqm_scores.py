#!/usr/bin/env python3
"""The iris metrics of PyPI's iris-iqm (a port of MITRE's BIQT-Iris) for each grey image given:
an outside reference for the station's iris segmentation and score. Prints a JSON object
{path: {overall, iris_diameter, pupil_diameter, iris_x, iris_y, error}}."""
import json
import sys

import cv2
import iris_iqm

out = {}
for path in sys.argv[1:]:
    r = iris_iqm.evaluate_array(cv2.imread(path, cv2.IMREAD_GRAYSCALE))
    f = r.features
    out[path] = {"overall": r.overall_quality, "iris_diameter": f.iris_diameter, "pupil_diameter": f.pupil_diameter, "iris_x": f.iris_center_x, "iris_y": f.iris_center_y, "error": r.error_code}
print(json.dumps(out))
