/* Jurisdictions: ISO 3166-1 alpha-2 codes (I2, C2). */
#ifndef IPP_COUNTRY_H
#define IPP_COUNTRY_H

/* The country's English name, or NULL when code is not an assigned
 * upper-case alpha-2 code ("CN" yes; "cn", "XX", "UK" no). */
const char *ipp_country_name(const char *code);

#endif
