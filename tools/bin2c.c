/* Build-time helper: turn a data file into a C array so the binary carries
 * its own copy. Usage: bin2c SYMBOL INPUT OUTPUT.c
 * Emits `const char SYMBOL[]` (NUL-terminated) and `const size_t SYMBOL_len`. */
#include <stdio.h>

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: bin2c SYMBOL INPUT OUTPUT.c\n");
		return 2;
	}
	FILE *in = fopen(argv[2], "rb");
	if (!in) {
		perror(argv[2]);
		return 1;
	}
	FILE *out = fopen(argv[3], "w");
	if (!out) {
		perror(argv[3]);
		fclose(in);
		return 1;
	}
	fprintf(out, "/* Generated from %s by tools/bin2c.c; do not edit. */\n", argv[2]);
	fprintf(out, "#include <stddef.h>\nconst char %s[] = {\n", argv[1]);
	int c;
	size_t n = 0;
	while ((c = fgetc(in)) != EOF) {
		fprintf(out, "%d,%s", c, (++n % 20) ? "" : "\n");
	}
	fprintf(out, "0};\nconst size_t %s_len = %zu;\n", argv[1], n);
	fclose(in);
	return fclose(out) == 0 ? 0 : 1;
}
