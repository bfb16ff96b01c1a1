// The customer's side of the setup as infrastructure code: a CloudFormation template and a
// Terraform snippet that create the role with exactly the trust policy (External ID condition
// included) and permission policy of GET /api/destinations/:id/policies. Both embed the same
// policy objects, so they cannot drift from the JSON documents; tests parse them back (cfn-lint,
// python-hcl2) and compare field by field.
import { stringify } from 'yaml';
import type { Destination } from '@log-exporter/schemas';
import type { PermissionPolicy, TrustPolicy } from '@log-exporter/aws';

export interface RolePolicies {
  permissionPolicy: PermissionPolicy;
  trustPolicy: TrustPolicy;
}

/** The name of the role's inline policy, in both templates. */
export const WRITE_POLICY_NAME = 'log-exporter-write';

function purpose(destination: Destination): string {
  const where = `s3://${destination.bucket}/${destination.prefix ? `${destination.prefix}/` : ''}`;
  return `Lets the log exporter write ${destination.organization}'s logs into ${where} (destination ${destination.id})`;
}

/**
 * CloudFormation (YAML, long-form intrinsics so any YAML reader parses it; written as YAML 1.1,
 * which CloudFormation and PyYAML read, so `2010-09-09` is quoted and stays a string). Parameters cover what
 * the customer may change: the role's name (tell us if you change it: the destination names it)
 * and a permissions boundary, which many organisations require on every new role.
 */
export function cloudFormationTemplate(destination: Destination, policies: RolePolicies): string {
  const template = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: purpose(destination),
    Parameters: {
      RoleName: {
        Type: 'String',
        Default: destination.roleName,
        Description: 'Name of the role. Keep it, or change the destination with us to the same name.',
        AllowedPattern: '[\\w+=,.@-]{1,64}',
      },
      PermissionsBoundaryArn: {
        Type: 'String',
        Default: '',
        Description: 'Optional: ARN of a managed policy your account requires as permissions boundary.',
      },
    },
    Conditions: {
      HasPermissionsBoundary: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'PermissionsBoundaryArn' }, ''] }] },
    },
    Resources: {
      LogExporterRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: { Ref: 'RoleName' },
          Description: purpose(destination).slice(0, 1000),
          AssumeRolePolicyDocument: policies.trustPolicy,
          PermissionsBoundary: {
            'Fn::If': ['HasPermissionsBoundary', { Ref: 'PermissionsBoundaryArn' }, { Ref: 'AWS::NoValue' }],
          },
          Policies: [{ PolicyName: WRITE_POLICY_NAME, PolicyDocument: policies.permissionPolicy }],
        },
      },
    },
    Outputs: {
      RoleArn: {
        Description: 'The role ARN the destination uses',
        Value: { 'Fn::GetAtt': ['LogExporterRole', 'Arn'] },
      },
    },
  };
  return `# ${purpose(destination)}\n${stringify(template, { lineWidth: 0, version: '1.1' })}`;
}

/** The file name a download of the template gets. */
export function infrastructureFileName(destination: Destination, kind: 'cloudformation' | 'terraform'): string {
  return kind === 'cloudformation'
    ? `log-exporter-role-${destination.id}.yaml`
    : `log-exporter-role-${destination.id}.tf`;
}

/** HCL string literal: JSON's escaping is valid HCL, but `${` and `%{` start templates there. */
function hclString(value: string): string {
  return JSON.stringify(value).replace(/\$\{/g, '$$${').replace(/%\{/g, '%%{');
}

/** A JSON document as an HCL heredoc (the policy exactly as the JSON endpoint gives it). */
function heredoc(document: unknown): string {
  const body = JSON.stringify(document, null, 2)
    .replace(/\$\{/g, '$$${')
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
  return `<<-EOT\n${body}\n  EOT`;
}

/** Terraform: an aws_iam_role and its aws_iam_role_policy, the role name a variable. */
export function terraformSnippet(destination: Destination, policies: RolePolicies): string {
  return `# ${purpose(destination)}

variable "log_exporter_role_name" {
  type        = string
  default     = ${hclString(destination.roleName)}
  description = "Name of the role. Keep it, or change the destination with us to the same name."
}

resource "aws_iam_role" "log_exporter" {
  name               = var.log_exporter_role_name
  description        = ${hclString(purpose(destination))}
  assume_role_policy = ${heredoc(policies.trustPolicy)}
}

resource "aws_iam_role_policy" "log_exporter_write" {
  name   = ${hclString(WRITE_POLICY_NAME)}
  role   = aws_iam_role.log_exporter.id
  policy = ${heredoc(policies.permissionPolicy)}
}

output "log_exporter_role_arn" {
  value = aws_iam_role.log_exporter.arn
}
`;
}
