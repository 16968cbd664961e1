/* posture_format.h — a posture audit (src/posture/posture.h) as bytes.
 *
 * table: one block per object with findings (file:line, kind, namespace/name,
 *   PSS level met, Polaris score of the object), one line per failed check,
 *   then the fleet line: Polaris score and counts, PSS pass count.
 * json: Polaris' audit shape (Results[].{Name, Namespace, Kind, Results,
 *   PodResult{Results, ContainerResults[]}}, ResultMessage{ID, Message,
 *   Success, Severity, Category}, Score) plus File/Line per object and a
 *   PodSecurity block per pod and for the run.
 * sarif: SARIF 2.1.0, one result per failed check; ruleId is the Polaris
 *   check ID, or pss-baseline/<id> / pss-restricted/<id> with the admission
 *   controller's check ID (the level the check belongs to); danger and PSS
 *   violations are "error", warnings "warning"; the location is the file
 *   and the line where the object's document starts. */
#ifndef KT_FORMAT_POSTURE_H
#define KT_FORMAT_POSTURE_H

#include "posture/posture.h"
#include "util/buf.h"

void format_posture_table(const kt_posture *p, kt_buf *out);
void format_posture_json(const kt_posture *p, kt_buf *out);
void format_posture_sarif(const kt_posture *p, const char *tool_version, kt_buf *out);

#endif
