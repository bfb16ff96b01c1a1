// A bounded pool of fixed-size buffers, reused instead of allocated anew. One class for every
// stage that holds bytes in flight: the encoder's chunks (libs/formats) and the S3 writer's
// multipart parts (libs/aws). Reuse matters because a window's bytes pass through a few buffers
// many times over: allocating one per chunk or part leaves garbage that V8 holds until its next
// collection, which was most of a worker's memory.

export class BufferPool {
  private readonly free: Buffer[] = [];
  private readonly waiting: ((buffer: Buffer) => void)[] = [];
  /** Pooled buffers by their memory, so a view (subarray) given back finds its buffer. */
  private readonly owned = new WeakMap<ArrayBufferLike, Buffer>();
  private created = 0;
  private closed = false;

  constructor(
    readonly bufferBytes: number,
    /** Most buffers in use at once (0: no limit and no reuse, a fresh buffer every time). */
    readonly maxBuffers: number,
  ) {
    if (!Number.isInteger(bufferBytes) || bufferBytes < 1)
      throw new Error(`bufferBytes ${bufferBytes}: expected a whole number of bytes, at least 1`);
    if (!Number.isInteger(maxBuffers) || maxBuffers < 0)
      throw new Error(`maxBuffers ${maxBuffers}: expected a whole number, at least 0`);
  }

  /** A buffer now, or once one is given back while `maxBuffers` are in use. */
  acquire(): Buffer | Promise<Buffer> {
    const reused = this.free.pop();
    if (reused) return reused;
    if (this.maxBuffers === 0 || this.created < this.maxBuffers || this.closed) {
      this.created++;
      const buffer = Buffer.allocUnsafeSlow(this.bufferBytes); // its own memory, never Node's shared pool
      if (this.maxBuffers !== 0) this.owned.set(buffer.buffer, buffer);
      return buffer;
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Gives back a buffer (or a view of one) that nobody reads any more; others are ignored. */
  release(view: Buffer): void {
    const buffer = this.owned.get(view.buffer);
    if (!buffer) return; // not one of ours (a line longer than a chunk, say)
    const waiter = this.waiting.shift();
    if (waiter) waiter(buffer);
    else this.free.push(buffer);
  }

  /** The consumer is gone: whoever waits gets a throwaway buffer, so it can see that and stop. */
  close(): void {
    this.closed = true;
    for (const waiter of this.waiting.splice(0)) waiter(Buffer.allocUnsafeSlow(this.bufferBytes));
  }
}
