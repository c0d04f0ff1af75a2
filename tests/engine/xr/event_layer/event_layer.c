/* A test OpenXR API layer that plays the runtime's part in session-state changes Monado's null compositor
 * cannot produce: focus lost and regained (the headset's dashboard), the instance going away.
 *
 * It sits between the app and the runtime (enabled with XR_API_LAYER_PATH + XR_ENABLE_API_LAYERS) and passes
 * every call through, except:
 *   xrPollEvent   - when the file named by QBVR_TEST_EVENT_FILE has a new line, returns the event it names
 *                   instead of asking the runtime: "state N" (XrEventDataSessionStateChanged to XrSessionState N
 *                   for the app's session) or "loss" (XrEventDataInstanceLossPending); "lost" makes every later
 *                   frame, input and event call fail with XR_ERROR_INSTANCE_LOST, as a runtime that crashed.
 *   xrCreateSession - remembers the session for the state events.
 * The OpenXR types it needs are declared here (64-bit handles are pointers), so it builds without the SDK.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int32_t XrResult;
typedef uint64_t XrVersion;
typedef int64_t XrTime;
typedef struct XrInstance_T *XrInstance;
typedef struct XrSession_T *XrSession;
typedef void (*PFN_xrVoidFunction)(void);
typedef XrResult (*PFN_xrGetInstanceProcAddr)(XrInstance, const char *, PFN_xrVoidFunction *);

#define XR_SUCCESS 0
#define XR_ERROR_INSTANCE_LOST (-13)
#define XR_ERROR_INITIALIZATION_FAILED (-6)
#define XR_TYPE_EVENT_DATA_INSTANCE_LOSS_PENDING 17
#define XR_TYPE_EVENT_DATA_SESSION_STATE_CHANGED 18

typedef struct { int32_t type; const void *next; } XrBaseHeader;
typedef struct { int32_t type; const void *next; uint8_t varying[4000]; } XrEventDataBuffer;
typedef struct { int32_t type; const void *next; XrSession session; int32_t state; XrTime time; } XrStateChanged;
typedef struct { int32_t type; const void *next; XrTime lossTime; } XrLossPending;

typedef struct XrApiLayerNextInfo XrApiLayerNextInfo;
typedef struct XrApiLayerCreateInfo XrApiLayerCreateInfo;
typedef XrResult (*PFN_xrCreateApiLayerInstance)(const void *info, const XrApiLayerCreateInfo *layerInfo,
                                                 XrInstance *instance);
struct XrApiLayerNextInfo {
    int32_t structType; uint32_t structVersion; size_t structSize; char layerName[256];
    PFN_xrGetInstanceProcAddr nextGetInstanceProcAddr; PFN_xrCreateApiLayerInstance nextCreateApiLayerInstance;
    XrApiLayerNextInfo *next;
};
struct XrApiLayerCreateInfo {
    int32_t structType; uint32_t structVersion; size_t structSize; void *loaderInstance;
    char settings_file_location[512]; XrApiLayerNextInfo *nextInfo;
};
typedef struct {
    int32_t structType; uint32_t structVersion; size_t structSize; uint32_t minInterfaceVersion;
    uint32_t maxInterfaceVersion; XrVersion minApiVersion; XrVersion maxApiVersion;
} XrNegotiateLoaderInfo;
typedef struct {
    int32_t structType; uint32_t structVersion; size_t structSize; uint32_t layerInterfaceVersion;
    XrVersion layerApiVersion; PFN_xrGetInstanceProcAddr getInstanceProcAddr;
    PFN_xrCreateApiLayerInstance createApiLayerInstance;
} XrNegotiateApiLayerRequest;

static PFN_xrGetInstanceProcAddr next_gipa;
static XrResult (*next_poll)(XrInstance, XrEventDataBuffer *);
static XrResult (*next_create_session)(XrInstance, const void *, XrSession *);
static XrSession session;
static int lines_done;
static int lost;

/* The next unread line of the event file (0 when there is none), in `line`. */
static int next_line(char *line, size_t n) {
    const char *path = getenv("QBVR_TEST_EVENT_FILE");
    FILE *f = path ? fopen(path, "r") : NULL;
    if (!f) return 0;
    int k = 0, got = 0;
    while (fgets(line, (int)n, f)) {
        if (k++ == lines_done && strchr(line, '\n')) { got = 1; lines_done++; break; }
    }
    fclose(f);
    return got;
}

static XrResult poll_event(XrInstance instance, XrEventDataBuffer *buf) {
    if (lost) return XR_ERROR_INSTANCE_LOST;
    char line[128];
    if (next_line(line, sizeof line)) {
        int state;
        if (sscanf(line, "state %d", &state) == 1) {
            XrStateChanged ev = {XR_TYPE_EVENT_DATA_SESSION_STATE_CHANGED, NULL, session, state, 0};
            memcpy(buf, &ev, sizeof ev);
            return XR_SUCCESS;
        }
        if (strncmp(line, "loss", 4) == 0) {
            XrLossPending ev = {XR_TYPE_EVENT_DATA_INSTANCE_LOSS_PENDING, NULL, 0};
            memcpy(buf, &ev, sizeof ev);
            return XR_SUCCESS;
        }
        if (strncmp(line, "lost", 4) == 0) { lost = 1; return XR_ERROR_INSTANCE_LOST; }
    }
    return next_poll(instance, buf);
}

static XrResult create_session(XrInstance instance, const void *info, XrSession *out) {
    XrResult r = next_create_session(instance, info, out);
    if (r == XR_SUCCESS) session = *out;
    return r;
}

/* Frame, input and space calls: fail once the runtime is "lost", else pass through. */
#define PASS(name, params, args)                                                                                \
    static XrResult (*next_##name) params;                                                                      \
    static XrResult my_##name params { return lost ? XR_ERROR_INSTANCE_LOST : next_##name args; }
PASS(xrWaitFrame, (void *s, const void *i, void *o), (s, i, o))
PASS(xrBeginFrame, (void *s, const void *i), (s, i))
PASS(xrEndFrame, (void *s, const void *i), (s, i))
PASS(xrSyncActions, (void *s, const void *i), (s, i))
PASS(xrLocateViews, (void *s, const void *i, void *st, uint32_t c, uint32_t *n, void *v), (s, i, st, c, n, v))

static XrResult gipa(XrInstance instance, const char *name, PFN_xrVoidFunction *fn) {
    XrResult r = next_gipa(instance, name, fn);
    if (r != XR_SUCCESS) return r;
#define HOOK(api, mine, keep)                                                                                   \
    if (strcmp(name, api) == 0) { keep = (void *)*fn; *fn = (PFN_xrVoidFunction)mine; return r; }
    HOOK("xrPollEvent", poll_event, *(void **)&next_poll)
    HOOK("xrCreateSession", create_session, *(void **)&next_create_session)
    HOOK("xrWaitFrame", my_xrWaitFrame, *(void **)&next_xrWaitFrame)
    HOOK("xrBeginFrame", my_xrBeginFrame, *(void **)&next_xrBeginFrame)
    HOOK("xrEndFrame", my_xrEndFrame, *(void **)&next_xrEndFrame)
    HOOK("xrSyncActions", my_xrSyncActions, *(void **)&next_xrSyncActions)
    HOOK("xrLocateViews", my_xrLocateViews, *(void **)&next_xrLocateViews)
    if (strcmp(name, "xrGetInstanceProcAddr") == 0) *fn = (PFN_xrVoidFunction)gipa;
    return r;
}

static XrResult create_instance(const void *info, const XrApiLayerCreateInfo *layer_info, XrInstance *instance) {
    const XrApiLayerNextInfo *next = layer_info->nextInfo;
    if (!next) return XR_ERROR_INITIALIZATION_FAILED;
    next_gipa = next->nextGetInstanceProcAddr;
    XrApiLayerCreateInfo down = *layer_info;
    down.nextInfo = next->next;
    lines_done = 0;
    lost = 0;
    return next->nextCreateApiLayerInstance(info, &down, instance);
}

__attribute__((visibility("default")))
XrResult xrNegotiateLoaderApiLayerInterface(const XrNegotiateLoaderInfo *loader, const char *layer_name,
                                            XrNegotiateApiLayerRequest *request) {
    (void)layer_name;
    if (!loader || !request || loader->minInterfaceVersion > 1) return XR_ERROR_INITIALIZATION_FAILED;
    request->layerInterfaceVersion = 1;
    request->layerApiVersion = ((uint64_t)1 << 48);
    request->getInstanceProcAddr = gipa;
    request->createApiLayerInstance = create_instance;
    return XR_SUCCESS;
}
