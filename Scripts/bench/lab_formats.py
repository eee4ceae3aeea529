#!/usr/bin/env python3
"""The same recording in every lab format, and peers timed reading them, for Scripts/bench_read.sh.

  lab_formats.py write RECORDING.csv DIR   writes DIR/rec.{edf,bdf} (pyedflib),
      DIR/rec_nexus.csv (Vicon Nexus Devices section), DIR/rec_discover.csv
      (Trigno Discover 1.6.4 layout), DIR/rec_emgworks.csv (EMGworks: a time
      column per channel), DIR/rec_noraxon.csv (Noraxon MR3 layout) and
      DIR/rec.emt (BTS ASCII tracks), from a CSV written by `synergy simulate`
      (a time column, then one column per muscle, in volts).
  lab_formats.py peer FORMAT FILE          reads FILE as a peer would (ezc3d for
      C3D, pyedflib for EDF/BDF, pandas.read_csv for the text formats, skipping
      their headers), timed; prints JSON {"seconds": ..., "values": ...}.
"""
import json
import sys
import time

import numpy as np


def write(source, folder):
    table = np.loadtxt(source, delimiter=",", skiprows=1)
    with open(source) as handle:
        names = handle.readline().strip().split(",")[1:]
    time_s, data = table[:, 0], table[:, 1:].T
    rate = round(1 / (time_s[1] - time_s[0]))
    n = data.shape[1]

    import pyedflib
    for ext, filetype, digital in (("edf", pyedflib.FILETYPE_EDFPLUS, 32767), ("bdf", pyedflib.FILETYPE_BDFPLUS, 8388607)):
        writer = pyedflib.EdfWriter(f"{folder}/rec.{ext}", len(names), file_type=filetype)
        headers = []
        for i, name in enumerate(names):
            top = float("%.4g" % (float(np.max(np.abs(data[i]))) * 1.01))  # 8 characters at most, as EDF stores it
            headers.append({"label": name, "dimension": "V", "sample_frequency": rate, "physical_max": top,
                            "physical_min": -top, "digital_max": digital, "digital_min": -digital - 1,
                            "transducer": "EMG", "prefilter": ""})
        writer.setSignalHeaders(headers)
        writer.writeSamples([np.ascontiguousarray(row) for row in data])
        writer.close()

    def rows(cells_of, separator=","):
        return "\n".join(separator.join(cells_of(j)) for j in range(n)) + "\n"

    text = [[f"{v:.9g}" for v in row] for row in data]
    per_frame = rate // 100
    with open(f"{folder}/rec_nexus.csv", "w") as out:
        out.write("Devices\n%d\n" % rate)
        out.write(",," + ",".join(["Delsys Trigno EMG - Sensor %d" % (i + 1) for i in range(len(names))]) + "\n")
        out.write("Frame,Sub Frame," + ",".join(names) + "\n")
        out.write(",," + ",".join(["V"] * len(names)) + "\n")
        out.write(rows(lambda j: [str(j // per_frame + 1), str(j % per_frame)] + [c[j] for c in text]))
    with open(f"{folder}/rec_discover.csv", "w") as out:
        out.write("Application:, Trigno Discover (1.6.4)\nDate/Time:, 12/4/2026 6:00:00 PM\n")
        out.write("Collection Length (seconds):, %.6f\n" % (n / rate))
        out.write(", ".join("EMG %02d 0%04d (%d)" % (i + 1, i, 50000 + i) for i in range(len(names))) + "\n")
        out.write(", ".join("sensor mode: 45" for _ in names) + "\n")
        out.write(", ".join("EMG 1 (V)" for _ in names) + "\n")
        out.write(", ".join("%.4f Hz" % rate for _ in names) + "\n")
        out.write(rows(lambda j: [c[j] for c in text]))
    with open(f"{folder}/rec_emgworks.csv", "w") as out:
        out.write(",".join('X[s],"Trigno sensor %d: EMG %d"' % (i + 1, i + 1) for i in range(len(names))) + "\n")
        out.write(rows(lambda j: [v for c in text for v in ("%.6f" % time_s[j], c[j])]))
    with open(f"{folder}/rec_noraxon.csv", "w") as out:
        out.write("Record Date,12/04/2026\nRecord Time,18:00:00\n\n")
        out.write("time,Activity,Marker," + ",".join("%s (uV)" % name for name in names) + "\n")
        out.write(rows(lambda j: ["%.4f" % (j / rate), "", ""] + ["%.6g" % (1e6 * data[i][j]) for i in range(len(names))]))
    with open(f"{folder}/rec.emt", "w") as out:
        out.write("BTS ASCII format\n\nType: \tEmg tracks\nMeasure unit: \tV\n\nTracks: \t%d\n\nFrequency: \t%d Hz\n"
                  "Frames: \t%d\nStart time: \t0.000\n\n" % (len(names), rate, n))
        out.write(" Frame\tTime\t" + "\t".join("Voltage:" + name for name in names) + "\t\n")
        out.write(rows(lambda j: [str(j + 1), "%.3f" % (j / rate)] + [c[j] for c in text], "\t"))


def peer(kind, path):
    import ezc3d
    import pandas
    import pyedflib
    start = time.perf_counter()
    if kind == "c3d":
        values = ezc3d.c3d(path)["data"]["analogs"].size
    elif kind in ("edf", "bdf"):
        with pyedflib.EdfReader(path) as reader:
            values = sum(reader.readSignal(i).size for i in range(reader.signals_in_file))
    else:
        skip = {"csv": 0, "emgworks": 0, "nexus": [0, 1, 2, 4], "discover": [0, 1, 2, 3, 4, 6], "noraxon": 3,
                "emt": 10}[kind]
        frame = pandas.read_csv(path, skiprows=skip, sep="\t" if kind == "emt" else ",",
                                skipinitialspace=True, low_memory=False)
        values = frame.size
    print(json.dumps({"seconds": time.perf_counter() - start, "values": int(values)}))


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2], sys.argv[3])
    else:
        peer(sys.argv[2], sys.argv[3])
