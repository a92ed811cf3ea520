// Reads a request body up to a cap. Past the cap the read stops at once (the rest is never
// buffered) and the caller answers 413.
export class BodyTooLargeError extends Error {
  constructor(public limitBytes: number) {
    super(`request body larger than ${limitBytes} bytes`);
  }
}

export async function readBody(body: AsyncIterable<Uint8Array>, limitBytes: number, declaredLength?: string): Promise<Buffer> {
  if (declaredLength && Number(declaredLength) > limitBytes) throw new BodyTooLargeError(limitBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > limitBytes) throw new BodyTooLargeError(limitBytes);
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
}

/**
 * After refusing a body, read and discard what the client is still sending (up to a cap) so
 * that it can read the refusal instead of failing with a broken pipe; past the cap the
 * connection is dropped.
 */
export async function discardBody(body: AsyncIterable<Uint8Array>, capBytes = 16 * 1024 * 1024) {
  let size = 0;
  try {
    for await (const chunk of body) {
      size += chunk.byteLength;
      if (size > capBytes) break;
    }
  } catch {
    /* the client went away */
  }
}
