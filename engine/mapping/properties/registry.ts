import type { PropertyKind } from '../../core/types.js';
import type { PropertyType, StructuredForm } from './type.js';
import { title } from './title.js';
import { richText } from './richText.js';
import { url } from './url.js';
import { email } from './email.js';
import { phoneNumber } from './phoneNumber.js';
import { checkbox } from './checkbox.js';
import { file } from './file.js';
import { number } from './number.js';
import { date } from './date.js';
import { select } from './select.js';
import { multiSelect } from './multiSelect.js';
import { status } from './status.js';
import { people } from './people.js';
import { place } from './place.js';
import { relation } from './relation.js';

/** Every Notion Schema property type, keyed by the spec's `type`. */
export const propertyTypes = {
  title,
  richText,
  url,
  email,
  phoneNumber,
  checkbox,
  file,
  number,
  date,
  select,
  multiSelect,
  status,
  people,
  place,
  relation,
} satisfies Record<PropertyKind, PropertyType>;

/** The structured value-source forms, each owned by the property type it builds; by name. */
export const structuredForms: readonly StructuredForm[] = Object.values(propertyTypes as Record<string, PropertyType>)
  .flatMap((type) => (type.structured ? [type.structured] : []))
  .sort((a, b) => a.name.localeCompare(b.name));
