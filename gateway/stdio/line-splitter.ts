// Splits a byte stream into lines (MCP's stdio transport: one JSON-RPC message per line, no
// embedded newlines). Bytes are kept until a newline arrives, so a UTF-8 character split across
// chunks is never broken. A line longer than the cap is dropped with a report instead of growing
// the buffer without bound.
export class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  private overflowing = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineBytes = 16 * 1024 * 1024,
    private readonly onOverflow: (bytes: number) => void = () => {},
  ) {}

  push(chunk: Buffer) {
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      this.append(chunk.subarray(start, nl));
      this.flush();
      start = nl + 1;
    }
    if (start < chunk.length) this.append(chunk.subarray(start));
  }

  private append(piece: Buffer) {
    if (this.overflowing) {
      this.size += piece.length;
      return;
    }
    this.size += piece.length;
    if (this.size > this.maxLineBytes) {
      this.overflowing = true;
      this.parts = [];
      return;
    }
    this.parts.push(piece);
  }

  private flush() {
    if (this.overflowing) {
      this.onOverflow(this.size);
    } else {
      let line = (this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts)).toString("utf8");
      if (line.endsWith("\r")) line = line.slice(0, -1);
      if (line.trim() !== "") this.onLine(line);
    }
    this.parts = [];
    this.size = 0;
    this.overflowing = false;
  }
}
