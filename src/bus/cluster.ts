import { type ChildProcess, spawn } from "node:child_process";
import { connect } from "nats";

/**
 * A Tessera cluster on this machine, for the scale-out test and benchmark: one ingest node (`tessera serve
 * --no-resolver`) and any number of resolver workers (`tessera worker`), each a process of its own, sharing a
 * PostgreSQL schema and a JetStream stream. Workers can be added, killed (SIGKILL) and stopped (SIGTERM)
 * while a load runs; `drained` waits until the stream's consumer has nothing pending or unacknowledged.
 */

export interface ClusterOptions {
  databaseUrl: string;
  schema: string;
  natsUrl: string;
  stream: string;
  /** Extra arguments for every worker (`--batch 200`, `--ack-wait 3`…). */
  workerArgs?: string[];
  /** Forward the processes' stderr lines here (default: kept quiet, shown only when a process fails). */
  log?: (line: string) => void;
}

function cli(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    stdio: ["ignore", "ignore", "pipe"],
    env,
  });
}

/** The last lines each process wrote on stderr: shown when the stream does not drain. */
const lastSaid = new WeakMap<ChildProcess, string[]>();

/** Resolves when the process has written `ready` on stderr; rejects with what it said if it exits first. */
function readyWhen(child: ChildProcess, ready: RegExp, log?: (line: string) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    let said = "";
    let done = false;
    const lines: string[] = [];
    lastSaid.set(child, lines);
    child.stderr?.on("data", (d: Buffer) => {
      const text = d.toString();
      said = (said + text).slice(-20_000);
      for (const line of text.split("\n")) {
        if (!line.trim()) continue;
        log?.(line);
        lines.push(line);
        if (lines.length > 10) lines.shift();
      }
      const m = !done ? ready.exec(said) : null;
      if (m) {
        done = true;
        resolve(m[1] ?? m[0]);
      }
    });
    child.once("exit", (code, signal) => {
      if (!done) reject(new Error(`process exited (${code ?? signal}) before it was ready: ${said}`));
    });
  });
}

export class LocalCluster {
  readonly workers: ChildProcess[] = [];
  private constructor(
    private readonly options: ClusterOptions,
    private readonly env: NodeJS.ProcessEnv,
    readonly ingest: ChildProcess,
    /** The ingest node's base URL. */
    readonly url: string,
  ) {}

  static async start(options: ClusterOptions, workers: number): Promise<LocalCluster> {
    const env = {
      ...process.env,
      DATABASE_URL: options.databaseUrl,
      TESSERA_SCHEMA: options.schema,
      NATS_URL: options.natsUrl,
      TESSERA_STREAM: options.stream,
    };
    const ingest = cli(["serve", "--port", "0", "--no-resolver", "--no-webhooks"], env);
    const url = await readyWhen(ingest, /tessera serving on (http:\/\/\S+)/, options.log);
    const cluster = new LocalCluster(options, env, ingest, url);
    await Promise.all(Array.from({ length: workers }, () => cluster.addWorker()));
    return cluster;
  }

  /** Starts one more worker and resolves when it pulls from the stream. */
  async addWorker(): Promise<ChildProcess> {
    const child = cli(["worker", ...(this.options.workerArgs ?? [])], this.env);
    this.workers.push(child);
    await readyWhen(child, /resolver worker \d+ on/, this.options.log);
    return child;
  }

  /** Kills a worker at once, as a crash would: what it had not acknowledged is delivered again. */
  kill(worker: ChildProcess): void {
    worker.kill("SIGKILL");
    this.workers.splice(this.workers.indexOf(worker), 1);
  }

  /** Messages the consumer has not delivered yet, and delivered but not acknowledged. */
  async backlog(consumer = "resolver"): Promise<{ pending: number; unacknowledged: number }> {
    const nc = await connect({ servers: this.options.natsUrl });
    try {
      const info = await (await nc.jetstreamManager()).consumers.info(this.options.stream, consumer);
      return { pending: info.num_pending, unacknowledged: info.num_ack_pending };
    } finally {
      await nc.close();
    }
  }

  /** Resolves when the consumer has no message pending or awaiting acknowledgement (polled every 200 ms). */
  async drained(timeoutMs = 60_000, consumer = "resolver"): Promise<void> {
    const nc = await connect({ servers: this.options.natsUrl });
    try {
      const jsm = await nc.jetstreamManager();
      const until = Date.now() + timeoutMs;
      for (;;) {
        const info = await jsm.consumers.info(this.options.stream, consumer);
        if (info.num_pending === 0 && info.num_ack_pending === 0) return;
        if (Date.now() > until)
          throw new Error(
            `the stream did not drain in ${timeoutMs / 1000} s: ${info.num_pending} pending, ${info.num_ack_pending} unacknowledged; the workers said:\n${this.workers.map((w) => (lastSaid.get(w) ?? []).join("\n")).join("\n--\n")}`,
          );
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      await nc.close();
    }
  }

  /** Stops every process with SIGTERM (workers finish their batch) and waits for them to exit. */
  async stop(): Promise<void> {
    const all = [this.ingest, ...this.workers].filter((c) => c.exitCode === null && c.signalCode === null);
    await Promise.all(
      all.map(
        (c) =>
          new Promise<void>((resolve) => {
            const hard = setTimeout(() => c.kill("SIGKILL"), 15_000);
            c.once("exit", () => {
              clearTimeout(hard);
              resolve();
            });
            c.kill("SIGTERM");
          }),
      ),
    );
  }

  /** Deletes the stream (and its consumers). */
  static async deleteStream(natsUrl: string, stream: string): Promise<void> {
    const nc = await connect({ servers: natsUrl });
    try {
      await (await nc.jetstreamManager()).streams.delete(stream).catch(() => false);
    } finally {
      await nc.close();
    }
  }
}

/** Whether a NATS server answers at this URL (within 1.5 s). */
export async function natsReachable(url: string): Promise<boolean> {
  try {
    const nc = await connect({ servers: url, timeout: 1500 });
    await nc.close();
    return true;
  } catch {
    return false;
  }
}
