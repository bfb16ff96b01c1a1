// Buffers passed on with their memory: whoever reads one last may free that memory at once.
//
// Why: a Buffer's memory lives outside V8's heap and is freed only when V8 collects the Buffer
// object. A Buffer that lives through two young-generation collections (a compressed piece
// waiting its turn to be uploaded, say) moves to the old generation, which V8 collects only after
// tens of MB more have been allocated outside the heap. Measured with heaptrack on a 1,000,000-
// record export: ~45 MB of deflate output that had already been uploaded was still held at the
// worker's peak. Detaching the memory (ArrayBuffer.prototype.transfer) frees it at once.
//
// Only the producer knows that nobody else holds a buffer's memory, and only the last reader
// knows when it is done: the producer marks, the reader reclaims. A buffer nobody marked is never
// touched, so a reader can reclaim whatever it reads.

const handedOver = new WeakSet<ArrayBuffer>();

/** The memory of a view, if it is an ArrayBuffer (by its tag: `instanceof` fails across realms). */
function memoryOf(buffer: Buffer): ArrayBuffer | undefined {
  const memory = buffer.buffer;
  return memory[Symbol.toStringTag] === 'ArrayBuffer' ? (memory as ArrayBuffer) : undefined;
}

/**
 * Marks `buffer`'s memory as the reader's to free once read, and returns the buffer. The caller
 * promises that nothing else holds or will use that memory (no other view of it, no reuse).
 * Memory of Node's shared small-buffer pool (Buffer.poolSize) is shared by design: never marked.
 */
export function handOver(buffer: Buffer): Buffer {
  const memory = memoryOf(buffer);
  if (memory && memory.byteLength > Buffer.poolSize) handedOver.add(memory);
  return buffer;
}

/**
 * Frees the memory of a handed-over buffer now (the buffer and every view of it read as empty
 * afterwards); does nothing to any other buffer.
 */
export function reclaim(buffer: Buffer): void {
  const memory = memoryOf(buffer);
  if (memory && handedOver.delete(memory)) memory.transfer(0);
}
