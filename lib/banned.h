/*
 * Functions that invite overflows or hidden state.  Included last by every
 * source file so that a use of one fails to compile.  Use snprintf, memcpy
 * with a known length, or the TSV reader instead.
 */
#ifndef IPP_BANNED_H
#define IPP_BANNED_H

#define BANNED(func) sorry_##func##_is_banned_in_ipp

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef gets
#define gets(x) BANNED(gets)

#endif
