// The hand-over of one destination: the values and steps that set up the customer's IAM role,
// verify with each step's result, the exports writing there and how to check delivered files
// with `verify`. Ops send it to the customer; a customer reads it for their own destination.
import type { Destination, ExportConfig } from '@log-exporter/schemas';
import { tableDdl } from '../../table-ddl';
import { tableDdlBlock } from './table-ddl-block';
import { csrfField } from '../form';
import { type Html, html } from '../html';
import { s3Location } from './format';

export interface HandoverData {
  destination: Destination;
  policies: { externalId: string; roleArn: string; permissionPolicy: unknown; trustPolicy: unknown };
  exporterAccountId: string;
  exports: readonly ExportConfig[];
  verification?: { ok: boolean; steps: readonly { name: string; ok: boolean; message: string }[] };
  /** Base64 public keys of the manifest signatures, newest first. */
  publicKeys: readonly string[];
  csrf: string;
  /** Customers read the steps as their own ("your role"); ops as what to send. */
  audience: 'ops' | 'customer';
  today: string;
  /** Where verify.mjs is downloaded. */
  verifyDownload: string;
  /** The same role as infrastructure code (CloudFormation YAML, Terraform). */
  infrastructure: { cloudformation: string; terraform: string };
}

function verificationTable(verification: NonNullable<HandoverData['verification']>): Html {
  return html`<table aria-label="verification">
      <thead>
        <tr>
          <th>Step</th>
          <th>Result</th>
          <th>Details</th>
        </tr>
      </thead>
      <tbody>
        ${verification.steps.map(
          (s) =>
            html`<tr>
              <td>${s.name}</td>
              <td class="${s.ok ? 'ok' : 'failed'}">${s.ok ? 'passed' : 'failed'}</td>
              <td>${s.message}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <p class="${verification.ok ? 'ok' : 'failed'}" id="verification-result">
      ${verification.ok ? 'Verification passed: exports can write here.' : 'Verification failed: see the failed step.'}
    </p>`;
}

function verifyCommand(data: HandoverData, folder: string): string {
  const prefix = [data.destination.prefix, folder].filter(Boolean).join('/');
  const keys = data.publicKeys.length ? data.publicKeys : ['<public key from GET /api/manifest-keys>'];
  return [
    'node verify.mjs',
    `  --bucket ${data.destination.bucket}`,
    ...(prefix ? [`  --prefix ${prefix}`] : []),
    `  --from ${data.today} --to ${data.today}`,
    `  --region ${data.destination.region}`,
    ...keys.map((key) => `  --public-key ${key}`),
  ].join(' \\\n');
}

export function handoverView(data: HandoverData): Html {
  const { destination, policies: p } = data;
  const yours = data.audience === 'customer';
  const permission = JSON.stringify(p.permissionPolicy, null, 2);
  const trust = JSON.stringify(p.trustPolicy, null, 2);
  return html`<h1>Hand-over for ${destination.organization}</h1>
    <p>
      ${
        yours
          ? 'Set up your IAM role with these values, then verify below. '
          : 'Send the customer these values and steps. '
      }The
      External ID is what protects ${yours ? 'you' : 'them'} from the confused-deputy problem: it must appear exactly in
      the role's trust policy.
    </p>
    <table aria-label="hand-over values">
      <tr>
        <th>External ID</th>
        <td>
          <code id="external-id">${p.externalId}</code> <button type="button" data-copy="external-id">Copy</button>
        </td>
      </tr>
      <tr>
        <th>Role ARN</th>
        <td><code id="role-arn">${p.roleArn}</code> <button type="button" data-copy="role-arn">Copy</button></td>
      </tr>
      <tr>
        <th>Bucket</th>
        <td><code>s3://${destination.bucket}/${destination.prefix}</code> (${destination.region})</td>
      </tr>
      <tr>
        <th>Our AWS account</th>
        <td><code>${data.exporterAccountId}</code></td>
      </tr>
    </table>
    <h2>${yours ? 'Setup steps' : 'Setup steps for the customer'}</h2>
    <ol class="steps">
      <li>
        Create the S3 bucket <code>${destination.bucket}</code> in ${destination.region} (or use the existing one).
      </li>
      <li>
        ${destination.prefix ? html`Logs go under the prefix <code>${destination.prefix}/</code>.` : 'Logs go to the top of the bucket (no prefix).'}
        ${data.exports.length ? html` Folders per log type: ${data.exports.map((e) => html`<code>${e.folder || '(none)'}</code> (${e.logType}) `)}.` : ''}
      </li>
      <li>
        In IAM, create a role for "Another AWS account" named <code>${destination.roleName}</code>, with account ID
        <code>${data.exporterAccountId}</code>, tick "Require external ID" and enter the External ID above.
      </li>
      <li>
        Give the role this permission policy:
        <pre id="permission-policy">${permission}</pre>
        <button type="button" data-copy="permission-policy">Copy</button>
      </li>
      <li>
        Make sure its trust relationship is exactly:
        <pre id="trust-policy">${trust}</pre>
        <button type="button" data-copy="trust-policy">Copy</button>
      </li>
      <li>
        Or create the role with infrastructure code instead of steps 3 to 5 (the same policies, field by field):
        <details>
          <summary>CloudFormation template</summary>
          <pre id="cloudformation-template">${data.infrastructure.cloudformation}</pre>
          <button type="button" data-copy="cloudformation-template">Copy</button>
          <a href="/destinations/${destination.id}/cloudformation" download>Download</a>
        </details>
        <details>
          <summary>Terraform</summary>
          <pre id="terraform-snippet">${data.infrastructure.terraform}</pre>
          <button type="button" data-copy="terraform-snippet">Copy</button>
          <a href="/destinations/${destination.id}/terraform" download>Download</a>
        </details>
      </li>
      <li>
        ${yours ? 'Press "Verify" below: it assumes the role and writes a small check object.' : 'Tell us when it is done; we verify below.'}
      </li>
    </ol>
    <h2>Verify</h2>
    <form method="post" action="/destinations/${destination.id}/verify">
      ${csrfField(data.csrf)}<button type="submit">${yours ? 'Verify my setup' : "Verify the customer's setup"}</button>
    </form>
    ${data.verification ? verificationTable(data.verification) : ''}
    <h2>Exports into this destination</h2>
    <ul>
      ${data.exports.map((e) => html`<li><a href="/exports/${e.id}">${e.id}</a>: ${e.logType} logs as ${e.format} into <code>${e.folder || '(no folder)'}</code></li>`)}
    </ul>
    <p><a href="/exports/new?destinationId=${destination.id}">Add an export to this destination</a></p>
    ${
      data.exports.length
        ? html`<h2>Query the files</h2>
            <p>
              Each export's files are a table for Athena, Glue or Spark: one <code>dt=</code> folder a day, found by
              partition projection; manifests start with <code>_</code>, so those engines skip them.
            </p>
            ${data.exports.map((e) => tableDdlBlock(e, tableDdl(e, destination)))}`
        : ''
    }
    <h2>Check the delivered files</h2>
    <p>
      Every window's files are listed in a signed manifest.
      <a href="${data.verifyDownload}" id="verify-download" download>Download verify.mjs</a>: one self-contained file
      (Node.js 20 or later, nothing to install). It reads the bucket with your own AWS credentials (<code
        >s3:ListBucket</code
      >
      and <code>s3:GetObject</code> on the prefix) and prints every missing, altered, extra or unsigned file; exit
      status 0 means all verified.
    </p>
    ${
      data.exports.length
        ? data.exports.map(
            (e) =>
              html`<p>${e.logType} logs (<code>${s3Location(destination, e.folder)}</code>):</p>
                <pre id="verify-${e.id}">${verifyCommand(data, e.folder)}</pre>
                <button type="button" data-copy="verify-${e.id}">Copy</button>`,
          )
        : html`<p>Once an export exists, its command appears here.</p>`
    }`;
}
