/**
 * A problem with a source file as a whole: it cannot be opened, its format is unknown, or it breaks off.
 * A problem with one row is never thrown: it becomes an `UnreadableRow` and reading goes on.
 */
export type SourceErrorCode =
  /** The path does not exist. */
  | "source_not_found"
  /** The path is a directory, not a file. */
  | "source_is_directory"
  /** The file exists but cannot be opened (permissions, special file). */
  | "source_unreadable"
  /** Reading failed part way through (I/O error); the rows before were read. */
  | "source_read_failed"
  /** Neither `options.format` nor the file's extension says which reader to use. */
  | "source_unknown_format"
  /** An option cannot be used: an unknown encoding, a delimiter that is not one character, … */
  | "source_invalid_option"
  /** The file is gzip-compressed but its compressed data is corrupt or cut short. */
  | "gzip_corrupt"
  /** CSV: the header row itself could not be read, so no row can be given column names. */
  | "csv_header_unreadable"
  /** JSON: the file is one JSON array too large to be read at once; it should be converted to JSON lines. */
  | "json_array_too_large"
  /** Parquet: the file is not Parquet, or its footer (schema, row groups) cannot be read. */
  | "parquet_invalid";

export class SourceError extends Error {
  override readonly name = "SourceError";
  readonly code: SourceErrorCode;
  readonly path: string;

  constructor(code: SourceErrorCode, path: string, message: string, options?: { cause?: unknown }) {
    super(`${path}: ${message}`, options);
    this.code = code;
    this.path = path;
  }
}

export function isSourceError(error: unknown): error is SourceError {
  return error instanceof SourceError;
}
