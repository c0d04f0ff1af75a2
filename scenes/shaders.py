"""GLSL shaders of the instanced figures, jersey numbers and the ball. Instances read their data from buffer
textures with `texelFetch(buf, gl_InstanceID * stride + k)`, so one draw call covers every player.

One instance is one whole figure (all its capsules in one mesh, each vertex tagged with its segment): Mesa's
software pipeline pays a fixed cost per instance, so 22 instances of 28 capsules draw ~2x faster than 616
instances of one capsule, and a GPU does not mind either way."""

from __future__ import annotations

from panda3d.core import Shader

LIGHTING = """
uniform vec3 sun_dir;
vec3 shade(vec3 color, vec3 n) {
    float d = max(dot(normalize(n), sun_dir), 0.0);
    return color * (0.55 + 0.45 * d);
}
"""

CAPSULE_VS = """#version 330
uniform mat4 p3d_ModelViewProjectionMatrix;
uniform samplerBuffer frames;    // 4 texels per segment, in draw order (Figures._upload_frames): rows 0-2 map the
                                 // vertex (x, y, z, w) to the offset from the start point; row 3 is (start, rgb)
uniform int n_segments;          // segments per figure: one instance is one whole figure
uniform int order_offset;        // first instance slot of this draw (near figures first, then far ones)
in vec4 p3d_Vertex;              // xyz: unit offset in the segment frame (z along it), w: 0 start / 1 end
in float segment;                // which of the figure's segments this vertex belongs to
out vec3 v_color;
""" + LIGHTING + """
void main() {
    int k = ((order_offset + gl_InstanceID) * n_segments + int(segment)) * 4;
    vec4 r0 = texelFetch(frames, k);
    vec4 r1 = texelFetch(frames, k + 1);
    vec4 r2 = texelFetch(frames, k + 2);
    vec4 r3 = texelFetch(frames, k + 3);
    vec3 n = vec3(dot(r0.xyz, p3d_Vertex.xyz), dot(r1.xyz, p3d_Vertex.xyz), dot(r2.xyz, p3d_Vertex.xyz));
    vec3 p = r3.xyz + vec3(dot(r0, p3d_Vertex), dot(r1, p3d_Vertex), dot(r2, p3d_Vertex));
    uint c = uint(r3.w);
    vec3 color = vec3(float((c >> 16) & 255u), float((c >> 8) & 255u), float(c & 255u)) / 255.0;
    // lit per vertex: llvmpipe pays per fragment and near figures fill much of the QB's view, while a diffuse
    // term varies slowly over a capsule (the helmet, seen closest, is tessellated finer for it)
    v_color = shade(color, n);
    gl_Position = p3d_ModelViewProjectionMatrix * vec4(p, 1.0);
}
"""

CAPSULE_FS = """#version 330
in vec3 v_color;
out vec4 frag;
void main() { frag = vec4(v_color, 1.0); }
"""

NUMBER_VS = """#version 330
uniform mat4 p3d_ModelViewProjectionMatrix;
uniform samplerBuffer plates;  // 2 texels per plate: (centre.xyz, half height), (reading axis * half width, 0)
uniform samplerBuffer digits;  // 2 texels per plate: (tens or -1, ones, 0, 0), (colour rgb, 1)
in vec4 p3d_Vertex;            // quad corners in [-1, 1]^2
in float plate;                // 0 front, 1 back: one instance is one player's two plates
uniform samplerBuffer order;   // instance -> player
uniform int order_offset;
out vec2 v_uv;
out vec3 v_normal;
flat out vec2 v_digits;
flat out vec3 v_color;
void main() {
    int k = int(texelFetch(order, order_offset + gl_InstanceID).x) * 2 + int(plate);
    vec4 c = texelFetch(plates, k * 2);
    vec3 u = texelFetch(plates, k * 2 + 1).xyz;
    vec3 up = vec3(0.0, 0.0, c.w);
    vec3 p = c.xyz + u * p3d_Vertex.x + up * p3d_Vertex.y;
    v_uv = p3d_Vertex.xy * 0.5 + 0.5;
    v_normal = cross(u, vec3(0.0, 0.0, 1.0));
    v_digits = texelFetch(digits, k * 2).xy;
    v_color = texelFetch(digits, k * 2 + 1).rgb;
    gl_Position = p3d_ModelViewProjectionMatrix * vec4(p, 1.0);
}
"""

NUMBER_FS = """#version 330
uniform sampler2D atlas;  // digits 0-9 in one row
in vec2 v_uv;
in vec3 v_normal;
flat in vec2 v_digits;
flat in vec3 v_color;
out vec4 frag;
""" + LIGHTING + """
void main() {
    float digit, s;
    if (v_digits.x < 0.0) {
        s = (v_uv.x - 0.25) * 2.0;
        if (s < 0.0 || s > 1.0) discard;
        digit = v_digits.y;
    } else {
        digit = v_uv.x < 0.5 ? v_digits.x : v_digits.y;
        s = fract(v_uv.x * 2.0);
    }
    float cover = texture(atlas, vec2((digit + s) / 10.0, v_uv.y)).r;
    if (cover < 0.5) discard;
    frag = vec4(shade(v_color, v_normal), 1.0);
}
"""

LIT_VS = """#version 330
uniform mat4 p3d_ModelViewProjectionMatrix;
uniform mat3 p3d_NormalMatrix;
uniform mat4 p3d_ModelMatrix;
in vec4 p3d_Vertex;
in vec3 p3d_Normal;
out vec3 v_normal;
void main() {
    v_normal = mat3(p3d_ModelMatrix) * p3d_Normal;
    gl_Position = p3d_ModelViewProjectionMatrix * p3d_Vertex;
}
"""

LIT_FS = """#version 330
uniform vec4 p3d_ColorScale;
uniform vec3 base_color;
in vec3 v_normal;
out vec4 frag;
""" + LIGHTING + """
void main() { frag = vec4(shade(base_color, v_normal), 1.0) * p3d_ColorScale; }
"""


def capsule_shader() -> Shader:
    return Shader.make(Shader.SL_GLSL, CAPSULE_VS, CAPSULE_FS)


def number_shader() -> Shader:
    return Shader.make(Shader.SL_GLSL, NUMBER_VS, NUMBER_FS)


def lit_shader() -> Shader:
    return Shader.make(Shader.SL_GLSL, LIT_VS, LIT_FS)
