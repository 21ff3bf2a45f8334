/**
 * How a long job tells a person how far it has got. The CLI draws a bar on a terminal and writes log
 * lines elsewhere; tests and servers pass `silentProgress`.
 */
export interface ProgressReporter {
  start(label: string, total: number | null, unit: string): void;
  update(done: number, detail?: string): void;
  stop(summary?: string): void;
}

export const silentProgress: ProgressReporter = {
  start() {},
  update() {},
  stop() {},
};
