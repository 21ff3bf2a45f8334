import cliProgress from "cli-progress";
import type { ProgressReporter } from "../jobs/progress.js";

/**
 * Progress for people: a bar when stderr is a terminal, otherwise a log line every few seconds so that
 * CI logs and `nohup` files show the job moving without being flooded.
 */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  return stream.isTTY ? barProgress(stream) : logProgress(stream);
}

function barProgress(stream: NodeJS.WriteStream): ProgressReporter {
  let bar: cliProgress.SingleBar | null = null;
  let unit = "";
  let startedAt = Date.now();
  return {
    start(label, total, u) {
      unit = u;
      bar = new cliProgress.SingleBar(
        {
          stream,
          format:
            total === null
              ? `${label} {value} ${unit} | {rate} ${unit}/s | {detail}`
              : `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {rate} ${unit}/s | eta {eta_formatted} | {detail}`,
          hideCursor: true,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total ?? 0, 0, { rate: 0, detail: "" });
      startedAt = Date.now();
    },
    update(done, detail) {
      const elapsed = (Date.now() - startedAt) / 1000;
      bar?.update(done, { rate: elapsed > 0 ? Math.round(done / elapsed) : 0, detail: detail ?? "" });
    },
    stop(summary) {
      bar?.stop();
      bar = null;
      if (summary) stream.write(`${summary}\n`);
    },
  };
}

function logProgress(stream: NodeJS.WriteStream, everyMs = 5000): ProgressReporter {
  let label = "";
  let unit = "";
  let total: number | null = null;
  let last = 0;
  let began = 0;
  return {
    start(l, t, u) {
      label = l;
      total = t;
      unit = u;
      began = Date.now();
      last = began;
      stream.write(`${label}: started\n`);
    },
    update(done, detail) {
      const now = Date.now();
      if (now - last < everyMs) return;
      last = now;
      const rate = Math.round(done / ((now - began) / 1000));
      const of = total === null ? "" : ` of ${total} (${Math.round((100 * done) / Math.max(1, total))}%)`;
      stream.write(`${label}: ${done}${of} ${unit}, ${rate} ${unit}/s${detail ? `, ${detail}` : ""}\n`);
    },
    stop(summary) {
      stream.write(`${label}: done${summary ? `, ${summary}` : ""}\n`);
    },
  };
}
