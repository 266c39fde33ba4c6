/*
 * A scripted VNC client (libvncclient) for the graphical console's tests
 * (docs/vnc.md): it connects, authenticates, keeps its copy of the
 * screen up to date, and runs its steps in order:
 *
 *   expect X,Y,RRGGBB     wait (up to --timeout s) until that pixel shows
 *   key KEYSYM            press and release an X keysym (0x... or decimal)
 *   type TEXT             type TEXT (Shift for capitals)
 *   latency X,Y KEYSYM    press KEYSYM, print "latency N ms" when the
 *                         pixel changes
 *   snap FILE             write the screen as a PPM
 *   idle SECONDS          stay connected, reading updates
 *
 * vnc_client [--password P] [--timeout S] HOST PORT STEP...
 * Exit status: 0 every step done; 1 a step failed (says which); 2 the
 * server refused the password; 3 no connection.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rfb/rfbclient.h>

static const char *password;
static int timeout_s = 60;
static char logbuf[4096];

static void
capture(const char *fmt, ...)
{
	size_t	n = strlen(logbuf);
	va_list	ap;

	va_start(ap, fmt);
	if (n < sizeof(logbuf) - 1)
		vsnprintf(logbuf + n, sizeof(logbuf) - n, fmt, ap);
	va_end(ap);
}

static char *
get_password(rfbClient *cl)
{
	(void)cl;
	/* libvncclient frees what it gets; NULL: we have none to give. */
	return password != NULL && *password ? strdup(password) : NULL;
}

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Read what the server sent for up to ms; 0, or -1 when it went. */
static int
pump(rfbClient *cl, int ms)
{
	int	n = WaitForMessage(cl, (unsigned)ms * 1000);

	if (n < 0)
		return -1;
	if (n > 0 && !HandleRFBServerMessage(cl))
		return -1;
	return 0;
}

static uint32_t
pixel(rfbClient *cl, int x, int y)
{
	uint32_t	p;

	memcpy(&p, cl->frameBuffer + ((size_t)y * (size_t)cl->width +
	    (size_t)x) * 4, 4);
	/* Our format: red in the low byte (rfbGetClient(8, 3, 4)). */
	return (p & 0xff) << 16 | (p & 0xff00) | ((p >> 16) & 0xff);
}

static int
expect(rfbClient *cl, const char *arg)
{
	unsigned	x, y, rgb;
	double		end = now() + timeout_s;

	if (sscanf(arg, "%u,%u,%x", &x, &y, &rgb) != 3 ||
	    x >= (unsigned)cl->width || y >= (unsigned)cl->height) {
		fprintf(stderr, "vnc_client: expect '%s': X,Y,RRGGBB\n", arg);
		return -1;
	}
	while (pixel(cl, (int)x, (int)y) != rgb) {
		if (now() > end || pump(cl, 100) == -1) {
			fprintf(stderr, "vnc_client: pixel %u,%u is %06x, not "
			    "%06x\n", x, y, pixel(cl, (int)x, (int)y), rgb);
			return -1;
		}
	}
	printf("pixel %u,%u %06x\n", x, y, rgb);
	return 0;
}

static void
press(rfbClient *cl, uint32_t keysym)
{
	SendKeyEvent(cl, keysym, TRUE);
	SendKeyEvent(cl, keysym, FALSE);
}

static void
type(rfbClient *cl, const char *s)
{
	for (; *s; s++) {
		int	shift = (*s >= 'A' && *s <= 'Z') || strchr("~!@#$%^&*()_+{}|:\"<>?", *s);

		if (shift)
			SendKeyEvent(cl, 0xffe1, TRUE);
		press(cl, *s == '\n' ? 0xff0d : (uint32_t)(unsigned char)*s);
		if (shift)
			SendKeyEvent(cl, 0xffe1, FALSE);
		(void)pump(cl, 20);
	}
}

static int
latency(rfbClient *cl, const char *at, const char *keysym)
{
	unsigned	x, y;
	uint32_t	before;
	double		t0, end = now() + timeout_s;

	if (sscanf(at, "%u,%u", &x, &y) != 2 || x >= (unsigned)cl->width ||
	    y >= (unsigned)cl->height) {
		fprintf(stderr, "vnc_client: latency '%s': X,Y\n", at);
		return -1;
	}
	while (pump(cl, 50) == 0 && now() < end && WaitForMessage(cl, 0) > 0)
		;
	before = pixel(cl, (int)x, (int)y);
	t0 = now();
	press(cl, (uint32_t)strtoul(keysym, NULL, 0));
	while (pixel(cl, (int)x, (int)y) == before) {
		if (now() > end || pump(cl, 5) == -1) {
			fprintf(stderr, "vnc_client: pixel %u,%u never changed\n",
			    x, y);
			return -1;
		}
	}
	printf("latency %.1f ms\n", (now() - t0) * 1000);
	return 0;
}

static int
snap(rfbClient *cl, const char *path)
{
	FILE	*fp = fopen(path, "wb");
	int	 x, y;
	uint32_t p;

	if (fp == NULL) {
		fprintf(stderr, "vnc_client: %s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(fp, "P6\n%d %d\n255\n", cl->width, cl->height);
	for (y = 0; y < cl->height; y++)
		for (x = 0; x < cl->width; x++) {
			p = pixel(cl, x, y);
			fputc((int)(p >> 16), fp);
			fputc((int)((p >> 8) & 0xff), fp);
			fputc((int)(p & 0xff), fp);
		}
	return fclose(fp) == 0 ? 0 : -1;
}

static int
idle(rfbClient *cl, const char *arg)
{
	double	end = now() + atof(arg);

	while (now() < end)
		if (pump(cl, 200) == -1)
			return -1;
	return 0;
}

int
main(int argc, char **argv)
{
	rfbClient	*cl;
	int		 i = 1, rc = 0, zero = 0;

	for (; i < argc && argv[i][0] == '-'; i += 2) {
		if (i + 1 >= argc)
			break;
		if (strcmp(argv[i], "--password") == 0)
			password = argv[i + 1];
		else if (strcmp(argv[i], "--timeout") == 0)
			timeout_s = (int)strtol(argv[i + 1], NULL, 10);
	}
	if (argc - i < 2) {
		fprintf(stderr, "usage: vnc_client [--password P] [--timeout S] "
		    "HOST PORT STEP...\n");
		return 1;
	}
	rfbClientLog = capture;
	rfbClientErr = capture;
	cl = rfbGetClient(8, 3, 4);
	free(cl->serverHost);		/* rfbGetClient's "" */
	cl->serverHost = strdup(argv[i]);
	cl->serverPort = (int)strtol(argv[i + 1], NULL, 10);
	cl->GetPassword = get_password;
	/* Lossless only: Tight's JPEG would make exact pixels inexact. */
	cl->appData.encodingsString = "hextile zlib raw";
	cl->appData.enableJPEG = FALSE;
	i += 2;
	if (!rfbInitClient(cl, &zero, NULL)) {
		/* rfbInitClient freed the client. */
		/* The server asked for a password and refused ours, or we
		   had none to give. */
		if (strstr(logbuf, "password check failed") != NULL ||
		    strstr(logbuf, "Reading password failed") != NULL ||
		    strstr(logbuf, "uthentication failed") != NULL) {
			fprintf(stderr, "vnc_client: password refused\n");
			return 2;
		}
		fprintf(stderr, "vnc_client: no connection: %s", logbuf);
		return 3;
	}
	printf("connected %dx%d \"%s\"\n", cl->width, cl->height,
	    cl->desktopName != NULL ? cl->desktopName : "");
	fflush(stdout);
	for (; rc == 0 && i < argc; i++) {
		const char	*step = argv[i];

		if (i + 1 >= argc) {
			fprintf(stderr, "vnc_client: %s: missing argument\n",
			    step);
			rc = 1;
		} else if (strcmp(step, "expect") == 0)
			rc = expect(cl, argv[++i]) == 0 ? 0 : 1;
		else if (strcmp(step, "key") == 0) {
			press(cl, (uint32_t)strtoul(argv[++i], NULL, 0));
			(void)pump(cl, 20);
		} else if (strcmp(step, "type") == 0)
			type(cl, argv[++i]);
		else if (strcmp(step, "latency") == 0 && i + 2 < argc) {
			rc = latency(cl, argv[i + 1], argv[i + 2]) == 0 ? 0 : 1;
			i += 2;
		} else if (strcmp(step, "snap") == 0)
			rc = snap(cl, argv[++i]) == 0 ? 0 : 1;
		else if (strcmp(step, "idle") == 0)
			rc = idle(cl, argv[++i]) == 0 ? 0 : 1;
		else {
			fprintf(stderr, "vnc_client: unknown step '%s'\n", step);
			rc = 1;
		}
		fflush(stdout);
	}
	free(cl->frameBuffer);		/* the client's to free */
	cl->frameBuffer = NULL;
	rfbClientCleanup(cl);
	return rc;
}
