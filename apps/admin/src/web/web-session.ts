// Web sessions without server state: after a login with the admin token, the browser holds an
// HttpOnly, SameSite=Strict cookie `<issued-at>.<HMAC>` signed with the token (valid 12 hours;
// changing the token logs everyone out). Every form carries a CSRF token derived from the session,
// checked on every POST, on top of SameSite.
import { sign, tokensMatch } from '../http/auth';

export const SESSION_COOKIE = 'log_exporter_session';
const SESSION_HOURS = 12;

export function newSession(secret: string, now = Date.now()): string {
  return `${now}.${sign(secret, `session.${now}`)}`;
}

export function sessionIsValid(secret: string, value: string | undefined, now = Date.now()): boolean {
  if (!value) return false;
  const match = /^(\d{13})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!match) return false;
  const issued = Number(match[1]);
  if (!(issued <= now && now - issued < SESSION_HOURS * 3_600_000)) return false;
  return tokensMatch(match[2] as string, sign(secret, `session.${issued}`));
}

export function csrfToken(secret: string, session: string): string {
  return sign(secret, `csrf.${session}`);
}

export function csrfIsValid(secret: string, session: string, given: unknown): boolean {
  return typeof given === 'string' && tokensMatch(given, csrfToken(secret, session));
}

export function sessionCookie(value: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_HOURS * 3600}${secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}
