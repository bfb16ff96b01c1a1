import { BufferPool } from '../src';

describe('buffer pool', () => {
  it('reuses given-back buffers, also when given back as a view', async () => {
    const pool = new BufferPool(1024, 2);
    const a = await pool.acquire();
    const b = await pool.acquire();
    expect(a).not.toBe(b);
    pool.release(a.subarray(0, 10));
    expect(await pool.acquire()).toBe(a);
    pool.release(b);
    expect(await pool.acquire()).toBe(b);
  });

  it('makes callers wait while maxBuffers are in use, and hands the next one given back to the first waiter', async () => {
    const pool = new BufferPool(16, 1);
    const only = await pool.acquire();
    let got: Buffer | undefined;
    const waiting = Promise.resolve(pool.acquire()).then((buffer) => (got = buffer));
    await new Promise((resolve) => setImmediate(resolve));
    expect(got).toBeUndefined();
    pool.release(only);
    await waiting;
    expect(got).toBe(only);
  });

  it('ignores buffers that are not its own, and never reuses with maxBuffers 0', async () => {
    const pool = new BufferPool(16, 0);
    const a = await pool.acquire();
    pool.release(a);
    expect(await pool.acquire()).not.toBe(a);
    const bounded = new BufferPool(16, 1);
    bounded.release(Buffer.alloc(16));
    const first = await bounded.acquire();
    expect(first.length).toBe(16);
  });

  it('lets waiters go with a throwaway buffer once closed', async () => {
    const pool = new BufferPool(8, 1);
    await pool.acquire();
    const waiting = Promise.resolve(pool.acquire());
    pool.close();
    expect((await waiting).length).toBe(8);
  });

  it('names a bad size or count', () => {
    expect(() => new BufferPool(0, 1)).toThrow('bufferBytes 0');
    expect(() => new BufferPool(8, -1)).toThrow('maxBuffers -1');
  });
});
