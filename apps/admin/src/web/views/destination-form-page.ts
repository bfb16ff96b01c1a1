// New destination: what the customer's bucket and role are. A customer's own organisation is
// fixed (shown, not editable); ops type it.
import { DESTINATION_FIELDS, type FieldErrors, type Form, csrfField, errorFor, one } from '../form';
import { type Html, html } from '../html';

export function destinationFormView(options: {
  csrf: string;
  values: Form;
  errors: FieldErrors;
  /** A customer's organisation: the field is fixed to it. */
  organization: string | null;
}): Html {
  const { values, errors } = options;
  return html`<h1>New destination</h1>
    <p>
      ${
        options.organization
          ? "Your S3 bucket and the IAM role we will assume in your account. Next you get the role's policies and the External ID."
          : 'What the customer told us (seed step 4). One destination per organisation is the norm; adding a log type reuses it.'
      }
    </p>
    <form method="post" action="/destinations" class="stacked">
      ${csrfField(options.csrf)}
      ${DESTINATION_FIELDS.map(([name, label, placeholder]) => {
        const fixed = name === 'organization' ? options.organization : null;
        return html`<label for="${name}">${label}</label>
          <input
            type="text"
            id="${name}"
            name="${name}"
            value="${fixed ?? one(values, name)}"
            placeholder="${placeholder}"
            ${fixed ? html`readonly` : ''}
          />
          ${errorFor(errors, name)}`;
      })}
      <p><button type="submit">Create destination</button></p>
    </form>`;
}
