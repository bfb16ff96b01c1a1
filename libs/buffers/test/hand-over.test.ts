import { handOver, reclaim } from '../src';

describe('hand-over', () => {
  it('frees the memory of a handed-over buffer when its reader reclaims it, views included', () => {
    const buffer = handOver(Buffer.alloc(1024 * 1024, 7).subarray(0, 1000));
    const view = buffer.subarray(10, 20);
    reclaim(buffer);
    expect(buffer.buffer.byteLength).toBe(0);
    expect(buffer.length).toBe(0);
    expect(view.length).toBe(0);
    reclaim(buffer); // a second reclaim does nothing
    expect(buffer.length).toBe(0);
  });

  it('leaves buffers nobody handed over untouched', () => {
    const buffer = Buffer.alloc(1024 * 1024, 7);
    reclaim(buffer);
    expect(buffer.length).toBe(1024 * 1024);
    expect(buffer[0]).toBe(7);
  });

  it("never marks memory of Node's shared small-buffer pool, whose other views belong to others", () => {
    const small = Buffer.from('a header line\n'); // from Node's pool
    const neighbour = Buffer.from('another small buffer');
    expect(small.buffer).toBe(neighbour.buffer); // the premise: one pool slab
    reclaim(handOver(small));
    expect(small.toString()).toBe('a header line\n');
    expect(neighbour.toString()).toBe('another small buffer');
  });
});
