// A bounded pool of fixed-size buffers, reused instead of allocated anew.

/**
 * Where encoded chunks come from. The compressor hands each chunk back once zlib has consumed it,
 * so a window reuses a few chunks instead of allocating (and leaving V8 to collect) one per
 * 2 MiB of text: that garbage, held until the next GC, was most of a worker's memory.
 */
export class ChunkPool {
  private readonly free: Buffer[] = [];
  private readonly waiting: ((chunk: Buffer) => void)[] = [];
  private readonly owned = new WeakMap<ArrayBufferLike, Buffer>();
  private created = 0;
  private closed = false;

  constructor(
    readonly chunkBytes: number,
    /** Most chunks in use at once (0: no limit and no reuse, a fresh chunk every time). */
    readonly maxChunks: number,
  ) {}

  acquire(): Buffer | Promise<Buffer> {
    const reused = this.free.pop();
    if (reused) return reused;
    if (this.maxChunks === 0 || this.created < this.maxChunks || this.closed) {
      this.created++;
      const chunk = Buffer.allocUnsafeSlow(this.chunkBytes); // its own ArrayBuffer, never Node's shared pool
      if (this.maxChunks !== 0) this.owned.set(chunk.buffer, chunk);
      return chunk;
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** The consumer is gone: whoever waits for a chunk gets a throwaway one, so it can see that and stop. */
  close(): void {
    this.closed = true;
    for (const waiter of this.waiting.splice(0)) waiter(Buffer.allocUnsafeSlow(this.chunkBytes));
  }

  /** Gives back a chunk (or a view of one) that nobody reads any more. */
  release(view: Buffer): void {
    const chunk = this.owned.get(view.buffer);
    if (!chunk) return; // not one of ours (a line longer than a chunk)
    const waiter = this.waiting.shift();
    if (waiter) waiter(chunk);
    else this.free.push(chunk);
  }
}
