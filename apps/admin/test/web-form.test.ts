// The pages' one export form (create and edit) and the form readers: every choice comes from the
// schemas' enumerations, what the edit form shows parses back to the same export, and typed
// values are kept and escaped.
import {
  type ExportConfig,
  cadenceSchema,
  compressionSchema,
  createExportInputSchema,
  fieldGroupSchema,
  formatSchema,
  ipHandlingSchema,
  logTypeSchema,
  settleIpHandling,
  updateExportInputSchema,
} from '@log-exporter/schemas';
import {
  changeInput,
  destinationInput,
  exportForm,
  exportInput,
  fieldErrors,
  formOfExport,
  one,
  many,
} from '../src/web/form';

const CONFIG: ExportConfig = {
  id: 'exp_aaaaaaaaaaaaaaaa',
  destinationId: 'dst_aaaaaaaaaaaaaaaa',
  organization: 'acme',
  logType: 'client',
  format: 'csv',
  folder: 'client-logs',
  repositories: ['alpha', 'beta'],
  exclude: ['geo', 'ip'],
  ipHandling: 'drop',
  compression: 'zstd',
  parquetCompression: 'snappy',
  cadence: 'hourly',
  enabled: false,
  notifyUrl: 'https://hooks.example.com/log-exports?team=a&b',
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
  health: {
    lastSuccessAt: null,
    lastSuccessWindow: null,
    lastFailureAt: null,
    lastError: null,
    consecutiveFailures: 0,
  },
} as ExportConfig;

const optionValues = (markup: string, select: string) => {
  const block = new RegExp(`<select id="${select}"[^>]*>([\\s\\S]*?)</select>`).exec(markup)?.[1] ?? '';
  return [...block.matchAll(/<option value="([^"]*)"/g)].map((m) => m[1]);
};

describe('the export form', () => {
  it('offers every value of the schemas in create mode, with the destinations given', () => {
    const markup = exportForm({
      mode: 'create',
      action: '/exports',
      csrf: 'c',
      values: {},
      errors: {},
      destinations: [
        {
          id: 'dst_bbbbbbbbbbbbbbbb',
          organization: 'acme',
          awsAccountId: '123456789012',
          bucket: 'b',
          region: 'us-east-1',
          prefix: 'p',
          roleName: 'r',
          externalId: 'x',
          createdAt: '',
        },
      ],
    }).value;
    expect(optionValues(markup, 'format')).toEqual([...formatSchema.options]);
    expect(optionValues(markup, 'compression')).toEqual([...compressionSchema.options]);
    expect(optionValues(markup, 'cadence')).toEqual([...cadenceSchema.options]);
    expect(optionValues(markup, 'logType')).toEqual([...logTypeSchema.options]);
    expect(optionValues(markup, 'destinationId')).toEqual(['dst_bbbbbbbbbbbbbbbb']);
    expect(optionValues(markup, 'ipHandling')).toEqual([...ipHandlingSchema.options]);
    // Dropping IPs is one of the IP choices, so `ip` is not offered again as an exclusion.
    for (const group of fieldGroupSchema.options)
      if (group === 'ip') expect(markup).not.toContain('name="exclude" value="ip"');
      else expect(markup).toContain(`value="${group}"`);
    expect(markup).toContain('name="_csrf" value="c"');
    expect(markup).toContain('Create export');
    expect(markup).not.toContain('name="enabled"');
  });

  it('shows an export in edit mode without destination and log type, and parses back to the same settings', () => {
    const markup = exportForm({
      mode: 'edit',
      action: `/exports/${CONFIG.id}/edit`,
      csrf: 'c',
      values: formOfExport(CONFIG),
      errors: {},
    }).value;
    expect(markup).not.toContain('name="destinationId"');
    expect(markup).not.toContain('name="logType"');
    expect(markup).toMatch(/<option value="csv" selected>/);
    expect(markup).toMatch(/<option value="zstd" selected>/);
    expect(markup).toMatch(/<option value="hourly" selected>/);
    expect(markup).toContain('value="alpha, beta"');
    expect(markup).toMatch(/value="geo" checked/);
    expect(markup).not.toMatch(/value="eula" checked/);
    expect(markup).toMatch(/name="enabled" value="1" +\/>/);
    // The form as a browser would post it back, read as a change: the export unchanged.
    const change = updateExportInputSchema.parse(changeInput(formOfExport(CONFIG)));
    expect(change).toEqual({
      format: 'csv',
      folder: 'client-logs',
      repositories: ['alpha', 'beta'],
      exclude: ['geo'],
      ipHandling: 'drop',
      compression: 'zstd',
      parquetCompression: 'snappy',
      cadence: 'hourly',
      enabled: false,
      notifyUrl: 'https://hooks.example.com/log-exports?team=a&b',
    });
    expect(markup).toMatch(/name="notifyUrl"\s+value="https:\/\/hooks\.example\.com\/log-exports\?team=a&amp;b"/);
    // An emptied notify URL field stops notifications.
    expect(updateExportInputSchema.parse(changeInput({ ...formOfExport(CONFIG), notifyUrl: '' })).notifyUrl).toBeNull();
    expect(markup).toMatch(/<option value="drop" selected>/);
    expect(settleIpHandling(CONFIG, change)).toEqual({ exclude: ['geo', 'ip'], ipHandling: 'drop' });
  });

  it('keeps typed values, escaped, and shows each field error next to its field', () => {
    const parsed = createExportInputSchema.safeParse(
      exportInput({ destinationId: 'nope', logType: 'audit', format: 'apache', folder: '../x' }),
    );
    expect(parsed.success).toBe(false);
    const errors = fieldErrors(parsed.error!);
    expect(Object.keys(errors).sort()).toEqual(expect.arrayContaining(['destinationId', 'folder']));
    const markup = exportForm({
      mode: 'create',
      action: '/exports',
      csrf: 'c',
      values: { folder: '"><script>alert(1)</script>' },
      errors,
      destinations: [],
    }).value;
    expect(markup).not.toContain('<script>');
    expect(markup).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(markup.match(/class="field-error"/g)!.length).toBeGreaterThanOrEqual(2);
  });
});

describe('form readers', () => {
  it('reads one and many values, splits repositories, and leaves out empty optional destination fields', () => {
    expect(one({ a: [' x ', 'y'] }, 'a')).toBe('x');
    expect(many({ a: 'x' }, 'a')).toEqual(['x']);
    expect(many({}, 'a')).toEqual([]);
    expect(exportInput({ repositories: 'a, b  c', format: 'json' })).toMatchObject({
      repositories: ['a', 'b', 'c'],
      compression: compressionSchema.options[0],
      cadence: cadenceSchema.options[0],
      exclude: [],
    });
    expect(exportInput({ repositories: ' ' })).toMatchObject({ repositories: null });
    expect(destinationInput({ organization: 'acme', bucket: '', prefix: '', region: '' })).toEqual({
      organization: 'acme',
      awsAccountId: '',
      bucket: '',
      roleName: '',
    });
  });
});
