// Web sessions without server state: after a login with a token, the browser holds an HttpOnly,
// SameSite=Strict cookie `<issued-at>.<subject>.<HMAC>`: the subject is the access token's ID (or
// `admin` for ADMIN_TOKEN), signed with ADMIN_TOKEN (valid 12 hours; changing ADMIN_TOKEN logs
// everyone out). The token's revocation and expiry are checked on every page, so revoking a token
// ends its sessions. Every form carries a CSRF token derived from the session, checked on every
// POST, on top of SameSite.
import { sign, tokensMatch } from '../http/auth';

export const SESSION_COOKIE = 'log_exporter_session';
const SESSION_HOURS = 12;

/** The subject of the bootstrap ADMIN_TOKEN's sessions. */
export const ADMIN_SUBJECT = 'admin';

export function newSession(secret: string, subject: string, now = Date.now()): string {
  return `${now}.${subject}.${sign(secret, `session.${now}.${subject}`)}`;
}

/** The subject of a validly signed, unexpired session, else undefined. */
export function sessionSubject(secret: string, value: string | undefined, now = Date.now()): string | undefined {
  if (!value) return undefined;
  const match = /^(\d{13})\.(admin|tok_[a-z2-7]{16})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!match) return undefined;
  const issued = Number(match[1]);
  const subject = match[2] as string;
  if (!(issued <= now && now - issued < SESSION_HOURS * 3_600_000)) return undefined;
  return tokensMatch(match[3] as string, sign(secret, `session.${issued}.${subject}`)) ? subject : undefined;
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
