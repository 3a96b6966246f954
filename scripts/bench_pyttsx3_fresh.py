"""pyttsx3 in fresh processes: plain use vs. the contained engine, bad clips counted.

    python scripts/bench_pyttsx3_fresh.py [--processes 100]

Each round starts a fresh process that says three phrases with pyttsx3 the
plain way (``save_to_file`` + ``runAndWait``, one file each, read at once),
and a fresh :class:`coach.speech.Pyttsx3Engine` worker (no retries) that says
the same three. A clip is bad if its length is off the direct libespeak-ng
clip of the same phrase. Prints the counts side by side; never fails.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

from coach.errors import EngineError
from coach.routines.model import SpeechSettings
from coach.speech import EspeakEngine, Pyttsx3Engine

PHRASES = ["Walk tall.", "Slow down and walk tall. Let your arms swing.", "Two"]

PLAIN = r"""
import ctypes, json, os, sys, tempfile, wave
import espeakng_loader
os.environ["ESPEAK_DATA_PATH"] = espeakng_loader.get_data_path()
ctypes.CDLL(espeakng_loader.get_library_path(), mode=ctypes.RTLD_GLOBAL)
import pyttsx3
engine = pyttsx3.init("espeak")
engine.setProperty("rate", 160)
folder = tempfile.mkdtemp()
lengths = []
for i, text in enumerate(json.loads(sys.argv[1])):
    path = os.path.join(folder, f"{i}.wav")
    engine.save_to_file(text, path)
    engine.runAndWait()
    try:
        with wave.open(path) as wav:
            lengths.append(wav.getnframes() / wav.getframerate())
    except (OSError, EOFError, wave.Error):
        lengths.append(0.0)
os.write(2, (json.dumps(lengths) + "\n").encode())
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--processes", type=int, default=100)
    n = parser.parse_args().processes
    settings = SpeechSettings(rate_wpm=160)
    reference = [EspeakEngine().synthesize(t, settings).duration_s for t in PHRASES]
    bad_plain = bad_contained = 0
    t0 = time.perf_counter()
    for _ in range(n):
        run = subprocess.run([sys.executable, "-c", PLAIN, json.dumps(PHRASES)],
                             capture_output=True, text=True, check=False)
        plain = json.loads(run.stderr.strip().splitlines()[-1])
        # plain clips are untrimmed: up to ~0.6 s of trailing pause is expected
        if not all(r - 0.01 <= g <= r + 0.6 for g, r in zip(plain, reference, strict=True)):
            bad_plain += 1
        engine = Pyttsx3Engine(attempts=1)
        try:
            got = [engine.synthesize(t, settings).duration_s for t in PHRASES]
            if not all(abs(g - r) <= 0.05 * r + 0.01 for g, r in zip(got, reference, strict=True)):
                bad_contained += 1
        except EngineError:
            bad_contained += 1
        finally:
            engine.close()
    print(f"{n} fresh processes x {len(PHRASES)} phrases ({time.perf_counter() - t0:.0f} s)")
    print(f"plain pyttsx3:           {bad_plain:>4} processes with a bad clip")
    print(f"coach Pyttsx3Engine:     {bad_contained:>4} processes with a bad clip (no retries)")


if __name__ == "__main__":
    main()
