"""Music under the coach: export time with music vs without, peak RSS, and what the decoded
export measures (issue 13.2). Prints numbers, never fails.

    python scripts/bench_music.py [--runs 3] [--skip-120]

* brisk-30 (30 min) exported to MP3 with a warm phrase cache, with and without music, paired
  run by run in fresh processes: median export seconds and the ratio;
* peak RSS of a whole export with music of a 30- and a 120-minute session (fresh processes;
  VmHWM, which starts afresh at exec: ru_maxrss would carry this process's peak over);
* the floor under that ratio: LAME alone on the first 10 minutes of the same two renders
  (stereo music vs mono speech-and-silence), the same process, medians of 3;
* a 10-minute session (gentle-start) exported to WAV with the music at --duck-db 12 and 0 and
  without music, decoded by miniaudio: the music's level between cues and during speech, the
  ducking depth, attack and release times, and the speech loudness with and without music.

The music is made here: three 4-minute stereo tracks at 44.1 kHz (pink-ish noise as WAV, a
chord and a noise bed as MP3 through lameenc), so it is decoded, resampled and looped. Runs in
a private COACH_HOME.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

import numpy as np

RATE = 44100
CHILD = r"""
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from scripts.bench_export import routine_of
from coach.audio.loudness import Levels
from coach.audio.music import find_music
from coach.export.writer import write_session
from coach.session import prepare_session
minutes, music, out = {minutes}, {music!r}, Path({out!r})
levels = Levels(music=find_music([Path(music)], print)) if music else Levels()
t0, c0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
renderer = prepare_session(routine_of(minutes), levels=levels).renderer
write_session(renderer, out)
c1 = resource.getrusage(resource.RUSAGE_SELF)
cpu = c1.ru_utime + c1.ru_stime - c0.ru_utime - c0.ru_stime
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")]
rss_kb = int(hwm[0].split()[1]) if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"s": time.perf_counter() - t0, "cpu_s": cpu, "rss_mb": rss_kb / 1024}}))
"""


def make_music(folder: Path) -> Path:
    import lameenc

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    n = 240 * RATE

    def pink(seed: int) -> np.ndarray:
        white = np.random.default_rng(seed).normal(0, 1, (n, 2))
        spec = np.fft.rfft(white, axis=0)
        spec /= np.sqrt(np.maximum(1, np.arange(len(spec))))[:, None]
        x = np.fft.irfft(spec, n=n, axis=0)
        return 0.2 * x / np.max(np.abs(x))

    t = np.arange(n) / RATE
    chord = sum(0.1 * np.sin(2 * np.pi * f * t) for f in (220.0, 277.2, 329.6))
    tracks = {"1-pink.wav": pink(1),
              "2-chord.mp3": np.stack([chord, np.roll(chord, 441)], axis=1),
              "3-bed.mp3": pink(2) * 0.5 + 0.05 * rng.normal(0, 1, (n, 2))}
    for name, x in tracks.items():
        pcm = (np.clip(x, -1, 1) * 32767).astype("<i2")
        if name.endswith(".wav"):
            with wave.open(str(folder / name), "wb") as w:
                w.setnchannels(2)
                w.setsampwidth(2)
                w.setframerate(RATE)
                w.writeframes(pcm.tobytes())
        else:
            enc = lameenc.Encoder()
            enc.set_bit_rate(160)
            enc.set_in_sample_rate(RATE)
            enc.set_channels(2)
            enc.set_quality(5)
            (folder / name).write_bytes(enc.encode(pcm.tobytes()) + enc.flush())
    return folder


def child(minutes: int, music: Path | None, out: Path, env: dict[str, str]) -> dict[str, float]:
    code = CHILD.format(root=str(Path(__file__).resolve().parent.parent), minutes=minutes,
                        music=str(music) if music else "", out=str(out))
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def speed_and_memory(runs: int, music: Path, work: Path, env: dict[str, str],
                     skip_120: bool) -> None:
    child(30, music, work / "warm.mp3", env)  # warm the phrase cache and the levels
    with_s, without_s, rss, rss0 = [], [], [], []
    with_cpu, without_cpu = [], []
    for _ in range(runs):
        a = child(30, music, work / "with.mp3", env)
        b = child(30, None, work / "without.mp3", env)
        with_s.append(a["s"])
        without_s.append(b["s"])
        with_cpu.append(a["cpu_s"])
        without_cpu.append(b["cpu_s"])
        rss.append(a["rss_mb"])
        rss0.append(b["rss_mb"])
    ratios = [a / b for a, b in zip(with_s, without_s, strict=True)]
    print(f"30-min export (brisk-30, MP3 64 kbit/s, {runs} paired runs)")
    print(f"  with music    median {statistics.median(with_s):6.2f} s   runs "
          + " ".join(f"{s:.2f}" for s in with_s))
    print(f"  without music median {statistics.median(without_s):6.2f} s   runs "
          + " ".join(f"{s:.2f}" for s in without_s))
    print(f"  ratio with/without: median {statistics.median(ratios):.2f} "
          f"(runs {' '.join(f'{r:.2f}' for r in ratios)})")
    cpu_ratios = [a / b for a, b in zip(with_cpu, without_cpu, strict=True)]
    print(f"  CPU seconds (all threads; less swayed by the load): with music median "
          f"{statistics.median(with_cpu):.2f}, without {statistics.median(without_cpu):.2f}, "
          f"ratio median {statistics.median(cpu_ratios):.2f} "
          f"(runs {' '.join(f'{r:.2f}' for r in cpu_ratios)})")
    print(f"peak RSS with music, 30 min: {statistics.median(rss):.0f} MB (without music "
          f"{statistics.median(rss0):.0f} MB)")
    if not skip_120:
        child(120, music, work / "warm120.mp3", env)
        r120 = child(120, music, work / "with120.mp3", env)
        n120 = child(120, None, work / "without120.mp3", env)
        print(f"peak RSS with music, 120 min: {r120['rss_mb']:.0f} MB "
              f"(without music {n120['rss_mb']:.0f} MB; export {r120['s']:.1f} s vs "
              f"{n120['s']:.1f} s)")


def encode_floor(music: Path, env: dict[str, str]) -> None:
    """LAME alone: the stereo encode of continuous music vs the mono encode of speech and
    silence (LAME is quick on digital silence), 10 minutes of each, paired, medians of 3."""
    os.environ.update(env)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from coach.audio.encoder import Mp3Encoder
    from coach.audio.loudness import Levels
    from coach.audio.music import find_music
    from coach.session import prepare_session
    from scripts.bench_export import routine_of

    def first_10_min(levels: Levels) -> list[np.ndarray]:
        r = prepare_session(routine_of(30), levels=levels).renderer
        n = 600 * r.sample_rate_hz
        return [r.render(at, 32768) for at in range(0, n, 32768)]

    mixes = {"music": first_10_min(Levels(music=find_music([music], print))),
             "speech": first_10_min(Levels())}
    times: dict[str, list[float]] = {"music": [], "speech": []}
    for _ in range(3):
        for name, blocks in mixes.items():
            enc = Mp3Encoder(22050, 64, blocks[0].ndim)
            t0 = time.perf_counter()
            for block in blocks:
                enc.encode(block)
            enc.flush()
            times[name].append(time.perf_counter() - t0)
    m, s = statistics.median(times["music"]), statistics.median(times["speech"])
    print(f"  LAME alone, 10 min: stereo music {m:.2f} s, mono speech {s:.2f} s: ratio "
          f"{m / s:.2f} (the floor of the export ratio while encoding dominates)")


def levels(music: Path, work: Path, env: dict[str, str]) -> None:
    """The decoded export: the music's level and envelope around cues, speech loudness."""
    os.environ.update(env)
    import miniaudio

    from coach.audio.clip import SAMPLE_RATE_HZ as SR
    from coach.audio.loudness import loudness_lufs
    from coach.audio.music import Music, music_files
    from coach.routines.library import resolve_routine
    from coach.session import prepare_session

    routine = resolve_routine("gentle-start")
    tracks = tuple(music_files([music]))[:1]  # one steady track: levels comparable in time

    def export(duck_db: float | None) -> np.ndarray:
        from coach.audio.loudness import Levels
        from coach.export.writer import write_session

        lv = Levels(music=None if duck_db is None else Music(tracks, duck_db=duck_db))
        path = work / f"levels-{duck_db}.wav"
        write_session(prepare_session(routine, levels=lv).renderer, path, fmt="wav")
        got = miniaudio.decode_file(str(path), output_format=miniaudio.SampleFormat.FLOAT32,
                                    nchannels=2, sample_rate=SR)
        return np.asarray(got.samples, np.float32).reshape(-1, 2)

    ducked, flat, alone = export(12.0), export(0.0), export(None)
    n = min(len(ducked), len(alone))
    ducked, flat, alone = ducked[:n], flat[:n], alone[:n]
    bed, level = (ducked - alone)[:, 0], (flat - alone)[:, 0]
    r = prepare_session(routine).renderer
    cues = [(r.cue_start_sample(c), r.cue_end_sample(c)) for c in r.timeline.cues]

    def db(x: np.ndarray) -> float:
        return float(10 * np.log10(np.mean(np.asarray(x, np.float64) ** 2) + 1e-20))

    during = np.concatenate([bed[s:e] for s, e in cues])
    gaps = [(e + round(1.2 * SR), s2 - round(0.4 * SR)) for (_, e), (s2, _) in
            zip(cues, cues[1:], strict=False) if s2 - e > round(2.0 * SR)]
    between = np.concatenate([bed[a:b] for a, b in gaps])
    print(f"decoded 10-min export (gentle-start, WAV, --duck-db 12, --music-level -18): "
          f"{len(cues)} cues, {len(gaps)} gaps over 2 s")
    print(f"  music level between cues {db(between):6.1f} dBFS RMS, during speech "
          f"{db(during):6.1f} dBFS RMS: ducked by {db(between) - db(during):.1f} dB")
    w = SR // 100
    m = (n // w) * w
    g = 10 * np.log10(((bed[:m] ** 2).reshape(-1, w).mean(1) + 1e-20)
                      / ((level[:m] ** 2).reshape(-1, w).mean(1) + 1e-20))
    attack, release, lead = [], [], []
    for (s, e), nxt in zip(cues, [*cues[1:], (n + 10 * SR, 0)], strict=True):
        if nxt[0] - e < 2 * SR or s < 2 * SR:
            continue
        before = g[(s - SR) // w:s // w]
        t_start = int(np.argmax(before < -0.5))
        t_full = int(np.argmax(before < -11.5))
        attack.append((t_full - t_start) * w / SR)
        lead.append((len(before) - t_start) * w / SR)
        after = g[e // w:(e + 2 * SR) // w]
        release.append(int(np.argmax(after > -0.5)) * w / SR)
    print(f"  attack: starts {statistics.median(lead) * 1000:.0f} ms before the onset, "
          f"-0.5 -> -11.5 dB in {statistics.median(attack) * 1000:.0f} ms (10 ms windows, "
          f"median of {len(attack)} cues)")
    print(f"  release: back within 0.5 dB {statistics.median(release) * 1000:.0f} ms after "
          "the speech ends")
    la = loudness_lufs(np.concatenate([alone[s:e, 0] for s, e in cues]), SR)
    lm = loudness_lufs(np.concatenate([ducked[s:e, 0] for s, e in cues]), SR)
    print(f"  speech loudness over the cues (one channel): without music {la:.2f} LUFS, "
          f"with music {lm:.2f} LUFS (difference {lm - la:+.2f} LU)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-120", action="store_true")
    parser.add_argument("--skip-levels", action="store_true",
                        help="Only the speed and memory part.")
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"load average at start: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} "
          f"({os.cpu_count()} cores)")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = {**os.environ, "COACH_HOME": str(work / "home"), "COACH_ENGINE": "espeak"}
        t0 = time.perf_counter()
        music = make_music(work / "music")
        print(f"music made in {time.perf_counter() - t0:.1f} s: "
              + ", ".join(p.name for p in sorted(music.iterdir())))
        if not args.skip_levels:
            levels(music, work, env)
        speed_and_memory(args.runs, music, work, env, args.skip_120)
        encode_floor(music, env)
    load = os.getloadavg()
    print(f"load average at end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")


if __name__ == "__main__":
    main()
