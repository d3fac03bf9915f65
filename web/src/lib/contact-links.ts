/** A phone number as a `tel:` link, digits and a leading plus only: a tap on a phone calls it. */
export const telHref = (phone: string) => `tel:${phone.replace(/[^\d+]/g, '')}`;

/** An e-mail address as a `mailto:` link. */
export const mailHref = (email: string) => `mailto:${email}`;
