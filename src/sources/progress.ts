import type { ReadProgress } from "./types.js";

const intervalMs = 100;

/** Calls `onProgress` at most every ~100 ms while reading, and once more at the end. */
export class ProgressThrottle {
  private last = 0;

  constructor(
    private readonly onProgress: ((progress: ReadProgress) => void) | undefined,
    private readonly totalBytes: number | null,
  ) {}

  tick(bytesRead: number, rows: number): void {
    if (this.onProgress === undefined) return;
    const now = Date.now();
    if (now - this.last < intervalMs) return;
    this.last = now;
    this.onProgress({ bytesRead, totalBytes: this.totalBytes, rows });
  }

  finish(bytesRead: number, rows: number): void {
    this.onProgress?.({ bytesRead, totalBytes: this.totalBytes, rows });
  }
}
