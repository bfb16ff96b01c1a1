// The customer's role as infrastructure code, read back by independent tools: cfn-lint (from
// the project's venv) validates the CloudFormation template and PyYAML reads it; python-hcl2
// parses the Terraform snippet. Their policy documents must equal the JSON ones field by field.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MotoServer, VENV_BIN, ensurePythonTools } from '@log-exporter/local-stack';
import { type AdminHarness, DESTINATION, startAdmin, startMoto } from './harness';

let moto: MotoServer;
let admin: AdminHarness;
let dir: string;

beforeAll(async () => {
  ensurePythonTools();
  moto = await startMoto();
  admin = await startAdmin({ moto });
  dir = mkdtempSync(join(tmpdir(), 'infra-code-'));
}, 120_000);

afterAll(async () => {
  await admin?.close();
  await moto?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const python = (script: string, file: string): unknown =>
  JSON.parse(execFileSync(join(VENV_BIN, 'python'), ['-c', script, file], { encoding: 'utf8' }));

/** A heredoc as python-hcl2 8 gives it back: `"<<-EOT` … `EOT"` around the text. */
function heredocText(value: string): string {
  const match = /^"?<<-?EOT\n([\s\S]*)\n\s*EOT"?$/.exec(value);
  if (!match) throw new Error(`not a heredoc: ${value.slice(0, 40)}`);
  return match[1]!;
}

describe.each([
  ['with a prefix', { prefix: 'cloudsmith-logs' }],
  ['at the top of the bucket', { prefix: '' }],
])('the role as infrastructure code, %s', (_name, overrides) => {
  let destination: { id: string; externalId: string };
  let policies: { trustPolicy: unknown; permissionPolicy: unknown };

  beforeAll(async () => {
    const body = { ...DESTINATION, organization: `infra${overrides.prefix ? 'p' : 'n'}`, ...overrides };
    if (!overrides.prefix) delete (body as { prefix?: string }).prefix;
    destination = (await admin.api('POST', '/api/destinations', body)).json();
    policies = (await admin.api('GET', `/api/destinations/${destination.id}/policies`)).json();
  });

  it('serves a CloudFormation template that cfn-lint accepts, with the same two policies', async () => {
    const response = await admin.api('GET', `/api/destinations/${destination.id}/cloudformation`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/yaml/);
    const file = join(dir, `${destination.id}.yaml`);
    writeFileSync(file, response.body);
    const lint = spawnSync(join(VENV_BIN, 'cfn-lint'), [file], { encoding: 'utf8' });
    expect([lint.status, lint.stdout + lint.stderr]).toEqual([0, '']);
    const template = python('import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))', file) as {
      Parameters: Record<string, { Default: string }>;
      Resources: { LogExporterRole: { Type: string; Properties: Record<string, unknown> } };
    };
    const role = template.Resources.LogExporterRole;
    expect(role.Type).toBe('AWS::IAM::Role');
    expect(role.Properties.AssumeRolePolicyDocument).toEqual(policies.trustPolicy);
    expect(role.Properties.Policies).toEqual([
      { PolicyName: 'log-exporter-write', PolicyDocument: policies.permissionPolicy },
    ]);
    expect(template.Parameters.RoleName!.Default).toBe(DESTINATION.roleName);
    expect(JSON.stringify(role.Properties.AssumeRolePolicyDocument)).toContain(destination.externalId);
  });

  it('serves a Terraform snippet that python-hcl2 parses, with the same two policies', async () => {
    const response = await admin.api('GET', `/api/destinations/${destination.id}/terraform`);
    expect(response.statusCode).toBe(200);
    const file = join(dir, `${destination.id}.tf`);
    writeFileSync(file, response.body);
    const parsed = python('import json, sys, hcl2; print(json.dumps(hcl2.load(open(sys.argv[1]))))', file) as {
      resource: Record<string, Record<string, Record<string, string>>>[];
      variable: Record<string, { default: string }>[];
    };
    const resources = Object.assign({}, ...parsed.resource) as Record<string, Record<string, Record<string, string>>>;
    const role = resources['"aws_iam_role"'] ?? resources.aws_iam_role;
    const rolePolicy = resources['"aws_iam_role_policy"'] ?? resources.aws_iam_role_policy;
    const roleBody = (role!['"log_exporter"'] ?? role!.log_exporter)!;
    const policyBody = (rolePolicy!['"log_exporter_write"'] ?? rolePolicy!.log_exporter_write)!;
    expect(JSON.parse(heredocText(roleBody.assume_role_policy!))).toEqual(policies.trustPolicy);
    expect(JSON.parse(heredocText(policyBody.policy!))).toEqual(policies.permissionPolicy);
    expect(JSON.stringify(parsed.variable)).toContain(DESTINATION.roleName);
  });
});

it('offers both on the hand-over page, and as downloads of the page session', async () => {
  const destination = (
    await admin.api('POST', '/api/destinations', { ...DESTINATION, organization: 'infrapage' })
  ).json();
  const login = await admin.app.inject({
    method: 'POST',
    url: '/login',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: `token=${admin.deps.settings.adminToken}&next=%2F`,
  });
  const cookie = String(login.headers['set-cookie']).split(';')[0] as string;
  const page = (await admin.app.inject({ method: 'GET', url: `/destinations/${destination.id}`, headers: { cookie } }))
    .body;
  expect(page).toContain('id="cloudformation-template"');
  expect(page).toContain('id="terraform-snippet"');
  const download = await admin.app.inject({
    method: 'GET',
    url: `/destinations/${destination.id}/terraform`,
    headers: { cookie },
  });
  expect(download.headers['content-disposition']).toBe(`attachment; filename="log-exporter-role-${destination.id}.tf"`);
  expect(download.body).toContain('resource "aws_iam_role" "log_exporter"');
});
