/**
 * A license's data as a form generated from its type's dataSchema (@rjsf/antd): every property a
 * field titled in the user's language (`title` / `x-title-en`), dates with a date picker, lists as
 * selects, long texts as text areas, required fields marked; what the schema refuses is said on the
 * field before anything is sent, and the platform's problem (a JSON pointer such as
 * /data/licenseNumber) is shown on the field it names (`serverErrors`). Each field carries
 * data-tour="field-/data/<field>" (its JSON pointer), for the guided tours, and takes their examples.
 */
import Form, { generateTemplates } from '@rjsf/antd';
import type { ErrorSchema, FieldTemplateProps, RJSFSchema, UiSchema } from '@rjsf/utils';
import { useCallback, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { currentLanguage } from '../../app/i18n.ts';
import './messages.ts';
import { useTourExample } from '../tours/useTourExample.ts';
import { schemaValidator } from './schemaValidator.ts';
import { fieldTitle, type LicenseTypeStandard } from './standard.ts';

export type LicenseData = Record<string, unknown>;

const { FieldTemplate } = generateTemplates();
const TOUR_PREFIX = 'field-/data/';

/** antd's field, marked with its pointer for the guided tours (the form itself, `root`, is not a field). */
function TourFieldTemplate(props: FieldTemplateProps) {
  const field = FieldTemplate ? <FieldTemplate {...props} /> : props.children;
  return props.id === 'root' ? field : <div data-tour={`${TOUR_PREFIX}${props.id.replace(/^root_/, '')}`}>{field}</div>;
}
const TEMPLATES = { FieldTemplate: TourFieldTemplate };

/** "中文 / English" descriptions: the part in the user's language. */
const descriptionIn = (text: string | undefined, language: string): string | undefined => {
  if (!text) return undefined;
  const parts = text.split(' / ');
  return parts.length === 2 ? (language === 'en' ? parts[1] : parts[0]) : text;
};

/** The problem of a field the platform named (`/data/<field>`), for `serverErrors`. */
export function fieldOfPointer(pointer: string | undefined, prefix = '/data/'): string | undefined {
  return pointer?.startsWith(prefix) ? pointer.slice(prefix.length).split('/')[0] : undefined;
}

export function LicenseDataForm({
  standard,
  id,
  formData,
  serverErrors,
  onChange,
  onSubmit,
  onError,
}: {
  standard: Pick<LicenseTypeStandard, 'dataSchema'>;
  /** The form element's id: a button elsewhere submits it with form={id}. */
  id: string;
  formData: LicenseData;
  serverErrors?: Record<string, string>;
  onChange: (data: LicenseData, field?: string) => void;
  onSubmit: (data: LicenseData) => void;
  /** The schema refused the data (each problem is on its field). */
  onError?: () => void;
}) {
  const { t } = useTranslation('licenseTypes');
  const language = currentLanguage();
  const schema = useMemo(() => ({ ...standard.dataSchema, title: undefined, description: undefined }) as RJSFSchema, [standard.dataSchema]);
  const validator = useMemo(() => schemaValidator(t, (name) => fieldTitle(standard, name, language)), [t, standard, language]);
  const properties = standard.dataSchema.properties;
  const uiSchema = useMemo(() => {
    const ui: UiSchema = { 'ui:submitButtonOptions': { norender: true } };
    for (const [name, field] of Object.entries(properties)) {
      const long = (field.maxLength ?? 0) > 500;
      ui[name] = {
        'ui:title': fieldTitle(standard, name, language),
        'ui:description': descriptionIn(field.description, language),
        ...(long ? { 'ui:widget': 'textarea', 'ui:options': { rows: 3 } } : {}),
        ...(field.enum ? { 'ui:placeholder': t('choose') } : {}),
      };
    }
    return ui;
  }, [properties, standard, language, t]);
  const colSpan = useMemo(() => Object.fromEntries(Object.entries(properties).map(([name, field]) => [name, (field.maxLength ?? 0) > 500 ? 24 : 12])), [properties]);
  // A guided tour's example (practice mode) for the field it points at.
  const takeExample = useCallback(
    (value: string, element: HTMLElement) => {
      const name = element.closest<HTMLElement>(`[data-tour^="${TOUR_PREFIX}"]`)?.dataset.tour?.slice(TOUR_PREFIX.length);
      if (name && properties[name]) onChange({ ...formData, [name]: value }, name);
    },
    [formData, properties, onChange],
  );
  const tourRef = useTourExample<HTMLDivElement>(takeExample);
  const extraErrors = useMemo(() => {
    const errors: ErrorSchema = {};
    for (const [name, message] of Object.entries(serverErrors ?? {})) (errors as Record<string, unknown>)[name] = { __errors: [message] };
    return errors;
  }, [serverErrors]);

  return (
    <div ref={tourRef}>
      <Form
        id={id}
        schema={schema}
        uiSchema={uiSchema}
        formData={formData}
        validator={validator}
        formContext={{ colSpan, rowGutter: 16, labelAlign: 'left' }}
        extraErrors={extraErrors}
        showErrorList={false}
        noHtml5Validate
        onChange={(event, fieldId) => onChange((event.formData ?? {}) as LicenseData, fieldId?.replace(/^root_/, ''))}
        onSubmit={(event) => onSubmit((event.formData ?? {}) as LicenseData)}
        onError={() => onError?.()}
        templates={TEMPLATES}
      />
    </div>
  );
}
