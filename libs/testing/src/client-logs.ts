// Realistic client (download) logs: rpm, deb, npm, Python, Maven and Docker downloads through a
// CDN, with statuses, IPs, geo, edges, tokens, users and the user agents those clients send.
import {
  type ClientLogRecord,
  type ExportWindow,
  formatMicrosRfc3339,
  windowEndMicros,
  windowStartMicros,
} from '@log-exporter/schemas';
import { SeededRandom } from './random';

export interface ClientLogOptions {
  seed: number;
  organization: string;
  /** Repository slugs; a sample set of one per package format when omitted. */
  repositories?: readonly string[];
  /** Records are `recorded` inside this window, spread evenly. */
  window: ExportWindow;
  count: number;
}

type PackageFormat = 'rpm' | 'deb' | 'npm' | 'python' | 'maven' | 'docker';

export const SAMPLE_REPOSITORIES: readonly string[] = [
  'prod-rpm',
  'stable-deb',
  'npm-internal',
  'python-packages',
  'maven-releases',
  'docker-images',
];

const FORMAT_OF_SAMPLE: Record<string, PackageFormat> = {
  'prod-rpm': 'rpm',
  'stable-deb': 'deb',
  'npm-internal': 'npm',
  'python-packages': 'python',
  'maven-releases': 'maven',
  'docker-images': 'docker',
};
const FORMATS: readonly PackageFormat[] = ['rpm', 'deb', 'npm', 'python', 'maven', 'docker'];

const FORMAT_LABEL: Record<PackageFormat, string> = {
  rpm: 'RedHat',
  deb: 'Debian',
  npm: 'npm',
  python: 'Python',
  maven: 'Maven',
  docker: 'Docker',
};

const PACKAGE_NAMES = [
  'billing-agent',
  'acme-cli',
  'edge-proxy',
  'data-sdk',
  'auth-service',
  'libwidget',
  'telemetry',
  'ui-kit',
];

const USER_AGENTS: Record<PackageFormat, readonly string[]> = {
  rpm: ['libdnf (Rocky Linux 8.9; generic; Linux.x86_64)', 'libdnf', 'urlgrabber/3.10 yum/3.4.3'],
  deb: ['Debian APT-HTTP/1.3 (2.6.1)', 'Debian APT-HTTP/1.3 (2.2.4)', 'Ubuntu APT-HTTP/1.3 (2.4.11)'],
  npm: [
    'npm/10.2.4 node/v20.11.0 linux x64 workspaces/false',
    'pnpm/8.15.1 npm/? node/v18.19.0 darwin arm64',
    'yarn/1.22.19 npm/? node/v18.17.1 linux x64',
  ],
  python: [
    'pip/24.0 {"ci":true,"cpu":"x86_64","distro":{"name":"Ubuntu","version":"22.04"},"python":"3.11.7"}',
    'pip/23.3.1 {"ci":null,"cpu":"arm64","python":"3.12.1","system":{"name":"Darwin","release":"23.2.0"}}',
    'poetry/1.7.1',
  ],
  maven: [
    'Apache-Maven/3.9.6 (Java 17.0.9; Linux 6.1.0-17-amd64)',
    'Gradle/8.5 (Linux;6.1.0;amd64) (Eclipse Adoptium;17.0.9;17.0.9+9)',
  ],
  docker: [
    'docker/24.0.7 go/go1.20.10 git-commit/311b9ff kernel/6.1.0 os/linux arch/amd64 UpstreamClient(Docker-Client/24.0.7 \\(linux\\))',
    'containerd/1.7.11',
    'Go-http-client/1.1',
  ],
};

const PLACES = [
  { city: 'London', country: 'GB', continent: 'EU', edge: 'LHR61-C2' },
  { city: 'Newmarket', country: 'GB', continent: 'EU', edge: 'LHR61-C2' },
  { city: 'Frankfurt am Main', country: 'DE', continent: 'EU', edge: 'FRA56-P1' },
  { city: 'Ashburn', country: 'US', continent: 'NA', edge: 'IAD89-C1' },
  { city: 'San José', country: 'US', continent: 'NA', edge: 'SFO5-C3' },
  { city: 'São Paulo', country: 'BR', continent: 'SA', edge: 'GRU3-C1' },
  { city: 'Tokyo', country: 'JP', continent: 'AS', edge: 'NRT57-C3' },
  { city: 'Sydney', country: 'AU', continent: 'OC', edge: 'SYD1-C1' },
  { city: 'Bengaluru', country: 'IN', continent: 'AS', edge: 'BLR50-C1' },
] as const;

const STATUSES = [
  [200, 85],
  [304, 5],
  [404, 4],
  [401, 2],
  [403, 1],
  [206, 2],
  [503, 1],
] as const;

function version(rng: SeededRandom): string {
  return `${rng.int(0, 4)}.${rng.int(0, 20)}.${rng.int(0, 40)}`;
}

function downloadPath(
  rng: SeededRandom,
  format: PackageFormat,
  namespace: string,
  repository: string,
  name: string,
  v: string,
): string {
  switch (format) {
    case 'rpm':
      return `/rpm/el/${rng.pick(['8', '9'])}/x86_64/${name}-${v}-1.el8.x86_64.rpm`;
    case 'deb':
      return `/deb/debian/pool/main/${name[0]}/${name}/${name}_${v}_amd64.deb`;
    case 'npm':
      return `/npm/${name}/-/${name}-${v}.tgz`;
    case 'python':
      return rng.chance(0.3)
        ? `/python/simple/${name}/`
        : `/python/packages/${name.replace(/-/g, '_')}-${v}-py3-none-any.whl`;
    case 'maven':
      return `/maven/com/${namespace}/${name}/${v}/${name}-${v}.jar`;
    case 'docker':
      return `/v2/${namespace}/${repository}/${name}/blobs/sha256:${rng.hex(64)}`;
  }
}

function ipAddress(rng: SeededRandom): string {
  if (rng.chance(0.1)) return `2a01:4b00:${rng.hex(4)}:${rng.hex(4)}::${rng.hex(3)}`;
  return `${rng.int(1, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

/** Client log records in canonical form, lazily: millions cost no memory until consumed. */
export function* generateClientLogs(options: ClientLogOptions): Generator<ClientLogRecord> {
  const rng = new SeededRandom(options.seed);
  const repositories = options.repositories ?? SAMPLE_REPOSITORIES;
  const start = windowStartMicros(options.window);
  const span = windowEndMicros(options.window) - start;
  const tokens = Array.from({ length: 12 }, () => ({
    id: rng.string(12),
    name: rng.pick(['ci-token', 'default', 'release-pipeline', 'customer-portal']),
  }));
  const users = Array.from({ length: 20 }, (_, i) => ({
    id: rng.string(12),
    name: rng.pick(['alice', 'bob', 'carol', 'dmitri', 'eve', 'fatima', 'gao', 'hana']) + i,
  }));
  for (let i = 0; i < options.count; i++) {
    const repository = rng.pick(repositories);
    const format = FORMAT_OF_SAMPLE[repository] ?? rng.pick(FORMATS);
    const name = rng.pick(PACKAGE_NAMES);
    const v = version(rng);
    const status = rng.weighted(STATUSES);
    const place = rng.pick(PLACES);
    // Spread evenly through the window, so records of one window are all inside it.
    const recorded = start + Math.floor(((i + rng.next()) / options.count) * span);
    const datetime = recorded - rng.int(0, 400) * 1_000_000 - rng.int(0, 999_999);
    const token = rng.chance(0.6) ? rng.pick(tokens) : null;
    const user = rng.chance(0.35) ? rng.pick(users) : null;
    const hasEula = rng.chance(0.1);
    const hasPackage = rng.chance(0.9);
    const bytes = status === 200 || status === 206 ? Math.floor(Math.exp(rng.next() * 12) * 500) : 0;
    yield {
      datetime: formatMicrosRfc3339(datetime, 'seconds'),
      repository: `${options.organization}/${repository}`,
      status,
      method: rng.chance(0.95) ? 'GET' : 'HEAD',
      uri: downloadPath(rng, format, options.organization, repository, name, v),
      host: rng.chance(0.7) ? 'dl.cloudsmith.io' : `downloads.${options.organization}.example.com`,
      ip_address: ipAddress(rng),
      bytes,
      city: place.city,
      country: place.country,
      edge: place.edge,
      eula: hasEula ? rng.string(12) : null,
      format: FORMAT_LABEL[format],
      package: hasPackage ? rng.string(12) : null,
      recorded: formatMicrosRfc3339(recorded, 'micros'),
      referer: rng.chance(0.05) ? `https://github.com/${options.organization}/${name}/actions` : null,
      request_id: rng.string(54) + '==',
      token: token?.id ?? null,
      user: user?.id ?? null,
      user_agent: rng.pick(USER_AGENTS[format]),
      continent: place.continent,
      eula_number: hasEula ? rng.int(1, 3) : null,
      package_name: hasPackage ? name : null,
      package_version: hasPackage ? v : null,
      protocol: rng.pick(['HTTP/1.1', 'HTTP/2.0', 'HTTP/3']),
      time_taken: Math.round(rng.next() * rng.next() * 5_000) / 1_000,
      token_name: token?.name ?? null,
      user_name: user?.name ?? null,
    };
  }
}

/** The seed document's example row, as a record (its CSV line is the contract's fixed point). */
export const SEED_EXAMPLE_CLIENT_RECORD: ClientLogRecord = {
  datetime: '2021-04-01T19:40:55+00:00',
  repository: 'cloudsmith/testing-private',
  status: 200,
  method: 'GET',
  uri: '/rpm/fedora/29/x86_64/cloudsmith-redhat-example-1.0.16173057145-1.x86_64.rpm',
  host: 'dl.cloudsmith.io',
  ip_address: '82.1.4.8',
  bytes: 10421,
  city: 'Newmarket',
  country: 'GB',
  edge: 'LHR61-C2',
  eula: null,
  format: 'RedHat',
  package: 'vmN1OlMDi3Iy',
  recorded: '2021-04-01T19:46:23.817658+00:00',
  referer: null,
  request_id: 'dZ3DmJ8yHU36FyH9uHoyWH4LocmlkzdKXSEuOBmnvLhA4ZF7exa5Qw==',
  token: 'wKSkBFHpsNWB',
  user: 'eP1B3YCtTlJX',
  user_agent: 'libdnf',
  continent: 'EU',
  eula_number: null,
  package_name: 'cloudsmith-redhat-example',
  package_version: '1.0.16173057145',
  protocol: 'HTTP/1.1',
  time_taken: 0.042,
  token_name: 'default',
  user_name: 'example-user',
};
