// SPDX-License-Identifier: GPL-2.0
/*
 * A small JSON reader (RFC 8259: objects, arrays, strings with every
 * escape, numbers, true, false, null) into a tree, for the OCI state the
 * hook reads, and a string writer for lsdevns -J.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "perns.h"

#define JSON_MAX_DEPTH	64

struct json_parser {
	const char *p;
	const char *start;
	char *err;
	size_t errlen;
	int depth;
};

static struct json *json_fail(struct json_parser *jp, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (jp->err[0])
		return NULL;
	n = snprintf(jp->err, jp->errlen, "at byte %ld: ",
		     (long)(jp->p - jp->start));
	if (n < jp->errlen) {
		va_start(ap, fmt);
		vsnprintf(jp->err + n, jp->errlen - n, fmt, ap);
		va_end(ap);
	}
	return NULL;
}

static void skip_ws(struct json_parser *jp)
{
	while (*jp->p == ' ' || *jp->p == '\t' || *jp->p == '\n' ||
	       *jp->p == '\r')
		jp->p++;
}

static struct json *json_new(enum json_type type)
{
	struct json *v = calloc(1, sizeof(*v));

	if (v)
		v->type = type;
	return v;
}

void json_free(struct json *v)
{
	struct json *next;

	while (v) {
		next = v->next;
		json_free(v->child);
		free(v->key);
		free(v->str);
		free(v);
		v = next;
	}
}

static int hex4(const char *s, unsigned int *out)
{
	unsigned int v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return -1;
		v = v * 16 + (isdigit((unsigned char)s[i]) ? s[i] - '0' :
			      (tolower((unsigned char)s[i]) - 'a' + 10));
	}
	*out = v;
	return 0;
}

static size_t utf8_put(char *d, unsigned int c)
{
	if (c < 0x80) {
		d[0] = c;
		return 1;
	}
	if (c < 0x800) {
		d[0] = 0xc0 | (c >> 6);
		d[1] = 0x80 | (c & 0x3f);
		return 2;
	}
	if (c < 0x10000) {
		d[0] = 0xe0 | (c >> 12);
		d[1] = 0x80 | ((c >> 6) & 0x3f);
		d[2] = 0x80 | (c & 0x3f);
		return 3;
	}
	d[0] = 0xf0 | (c >> 18);
	d[1] = 0x80 | ((c >> 12) & 0x3f);
	d[2] = 0x80 | ((c >> 6) & 0x3f);
	d[3] = 0x80 | (c & 0x3f);
	return 4;
}

/* A string at jp->p (on its opening quote), decoded; NULL on error. */
static char *parse_string(struct json_parser *jp)
{
	const char *s = ++jp->p;
	unsigned int c, lo;
	char *out, *d;

	/* the decoded string is never longer than the encoded one */
	while (*s && *s != '"')
		s += *s == '\\' && s[1] ? 2 : 1;
	if (!*s)
		return (char *)json_fail(jp, "unterminated string");
	out = malloc(s - jp->p + 1);
	if (!out)
		return (char *)json_fail(jp, "out of memory");
	d = out;
	while (*jp->p != '"') {
		if ((unsigned char)*jp->p < 0x20) {
			free(out);
			return (char *)json_fail(jp, "control character in a string");
		}
		if (*jp->p != '\\') {
			*d++ = *jp->p++;
			continue;
		}
		jp->p++;
		switch (*jp->p++) {
		case '"':
			*d++ = '"';
			break;
		case '\\':
			*d++ = '\\';
			break;
		case '/':
			*d++ = '/';
			break;
		case 'b':
			*d++ = '\b';
			break;
		case 'f':
			*d++ = '\f';
			break;
		case 'n':
			*d++ = '\n';
			break;
		case 'r':
			*d++ = '\r';
			break;
		case 't':
			*d++ = '\t';
			break;
		case 'u':
			if (hex4(jp->p, &c))
				goto bad;
			jp->p += 4;
			if (c >= 0xd800 && c < 0xdc00) {
				if (jp->p[0] != '\\' || jp->p[1] != 'u' ||
				    hex4(jp->p + 2, &lo) || lo < 0xdc00 ||
				    lo > 0xdfff)
					goto bad;
				jp->p += 6;
				c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
			} else if (c >= 0xdc00 && c < 0xe000) {
				goto bad;
			}
			if (!c)
				goto bad;	/* no NUL inside C strings */
			d += utf8_put(d, c);
			break;
		default:
			goto bad;
		}
	}
	jp->p++;
	*d = 0;
	return out;
bad:
	free(out);
	return (char *)json_fail(jp, "bad escape in a string");
}

static struct json *parse_value(struct json_parser *jp);

static struct json *parse_container(struct json_parser *jp, bool object)
{
	char close = object ? '}' : ']';
	struct json *v, *last = NULL, *e;
	char *key = NULL;

	if (++jp->depth > JSON_MAX_DEPTH)
		return json_fail(jp, "nested too deeply");
	v = json_new(object ? JSON_OBJECT : JSON_ARRAY);
	if (!v)
		return json_fail(jp, "out of memory");
	jp->p++;
	skip_ws(jp);
	if (*jp->p == close) {
		jp->p++;
		jp->depth--;
		return v;
	}
	for (;;) {
		skip_ws(jp);
		if (object) {
			if (*jp->p != '"') {
				json_fail(jp, "expected a member name");
				goto fail;
			}
			key = parse_string(jp);
			if (!key)
				goto fail;
			skip_ws(jp);
			if (*jp->p != ':') {
				json_fail(jp, "expected ':'");
				goto fail;
			}
			jp->p++;
		}
		e = parse_value(jp);
		if (!e)
			goto fail;
		e->key = key;
		key = NULL;
		if (last)
			last->next = e;
		else
			v->child = e;
		last = e;
		skip_ws(jp);
		if (*jp->p == ',') {
			jp->p++;
			continue;
		}
		if (*jp->p == close) {
			jp->p++;
			break;
		}
		json_fail(jp, "expected ',' or '%c'", close);
		goto fail;
	}
	jp->depth--;
	return v;
fail:
	free(key);
	json_free(v);
	return NULL;
}

static struct json *parse_number(struct json_parser *jp)
{
	const char *s = jp->p;
	struct json *v;
	char *end;

	/* RFC 8259's grammar: strtod() alone accepts more (hex, inf, ...) */
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (isdigit((unsigned char)*s))
		while (isdigit((unsigned char)*s))
			s++;
	else
		return json_fail(jp, "unexpected character '%c'", *jp->p);
	if (*s == '.') {
		if (!isdigit((unsigned char)*++s))
			return json_fail(jp, "bad number");
		while (isdigit((unsigned char)*s))
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!isdigit((unsigned char)*s))
			return json_fail(jp, "bad number");
		while (isdigit((unsigned char)*s))
			s++;
	}
	v = json_new(JSON_NUMBER);
	if (!v)
		return json_fail(jp, "out of memory");
	v->num = strtod(jp->p, &end);
	jp->p = s;
	return v;
}

static struct json *parse_value(struct json_parser *jp)
{
	struct json *v;

	skip_ws(jp);
	switch (*jp->p) {
	case '{':
		return parse_container(jp, true);
	case '[':
		return parse_container(jp, false);
	case '"':
		v = json_new(JSON_STRING);
		if (!v)
			return json_fail(jp, "out of memory");
		v->str = parse_string(jp);
		if (!v->str) {
			free(v);
			return NULL;
		}
		return v;
	case 't':
	case 'f':
	case 'n':
		if (!strncmp(jp->p, "true", 4) || !strncmp(jp->p, "false", 5)) {
			v = json_new(JSON_BOOL);
			if (v)
				v->boolean = *jp->p == 't';
			jp->p += *jp->p == 't' ? 4 : 5;
		} else if (!strncmp(jp->p, "null", 4)) {
			v = json_new(JSON_NULL);
			jp->p += 4;
		} else {
			return json_fail(jp, "unexpected character '%c'", *jp->p);
		}
		return v ? v : json_fail(jp, "out of memory");
	case 0:
		return json_fail(jp, "unexpected end of input");
	default:
		return parse_number(jp);
	}
}

struct json *json_parse(const char *text, char *err, size_t errlen)
{
	struct json_parser jp = {
		.p = text, .start = text, .err = err, .errlen = errlen,
	};
	struct json *v;

	err[0] = 0;
	v = parse_value(&jp);
	if (!v)
		return NULL;
	skip_ws(&jp);
	if (*jp.p) {
		json_fail(&jp, "trailing characters after the value");
		json_free(v);
		return NULL;
	}
	return v;
}

struct json *json_get(const struct json *obj, const char *key)
{
	struct json *e;

	if (!obj || obj->type != JSON_OBJECT)
		return NULL;
	for (e = obj->child; e; e = e->next)
		if (!strcmp(e->key, key))
			return e;
	return NULL;
}

void json_print_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	fputc('"', f);
	for (; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				fprintf(f, "\\u%04x", *p);
			} else if (*p < 0x80) {
				fputc(*p, f);
			} else {
				/*
				 * A command line need not be UTF-8: a byte
				 * that does not start a valid sequence (Table
				 * 3-7) becomes U+FFFD.
				 */
				n = perns_utf8_len(p);
				if (n) {
					fwrite(p, 1, n, f);
					p += n - 1;
				} else {
					fputs("\\ufffd", f);
				}
			}
		}
	}
	fputc('"', f);
}
