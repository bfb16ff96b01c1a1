// The pages' one-time hand-over of a new secret: taken once, gone after ten minutes, bounded.
import { OneTimeSecrets } from '../src/web/one-time-secrets';

it('gives a secret to the first taker of its ticket only, within ten minutes', () => {
  const secrets = new OneTimeSecrets();
  const ticket = secrets.put('whsec_a', 0);
  expect(ticket).toMatch(/^[A-Za-z0-9_-]{22}$/);
  expect(secrets.take(ticket, 1_000)).toBe('whsec_a');
  expect(secrets.take(ticket, 1_000)).toBeUndefined();
  const late = secrets.put('whsec_b', 0);
  expect(secrets.take(late, 10 * 60_000)).toBeUndefined();
  expect(secrets.take('made-up', 0)).toBeUndefined();
});

it('keeps at most 1,000 waiting, dropping the oldest first', () => {
  const secrets = new OneTimeSecrets();
  const first = secrets.put('whsec_0', 0);
  const tickets = Array.from({ length: 1_000 }, (_, i) => secrets.put(`whsec_${i + 1}`, 0));
  expect(secrets.take(first, 0)).toBeUndefined();
  expect(secrets.take(tickets[0]!, 0)).toBe('whsec_1');
  expect(secrets.take(tickets[999]!, 0)).toBe('whsec_1000');
});
