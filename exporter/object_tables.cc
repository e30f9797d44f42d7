#include "exporter/object_tables.h"

#include <cstdio>
#include <initializer_list>
#include <string_view>

#include "exporter/html_text.h"

namespace ipc_exporter {
namespace {

/// Rows of each table shown before "show all"; the script's PAGE is the same.
constexpr size_t kRowsShown = 50;

/// Writes one table: a heading with the count, a header row, then rows of cells.
class TableWriter {
 public:
  TableWriter(std::string* html, std::string_view id, std::string_view title, size_t count,
              std::initializer_list<std::string_view> headers)
      : html_(*html) {
    // Each table in a section of its own, which the browser lays out only once it scrolls into
    // view (content-visibility: auto in the page's style).
    html_ += "<section class=\"kind\">\n<h3>";
    html_ += title;
    html_ += " (";
    html_ += std::to_string(count);
    html_ += ")</h3>\n<table class=\"objects\" id=\"";
    html_ += id;
    html_ += "\">\n<thead><tr>";
    for (std::string_view header : headers) {
      html_ += "<th>";
      html_ += header;
      html_ += "</th>";
    }
    html_ += "</tr></thead>\n<tbody>\n";
  }
  ~TableWriter() { html_ += "</tbody>\n</table>\n</section>\n"; }
  TableWriter(const TableWriter&) = delete;
  TableWriter& operator=(const TableWriter&) = delete;

  /// A row; a System V object's carries id="KIND-ID", to link to. Rows past the first
  /// kRowsShown come hidden (the script's "show all" and filter reveal them): a browser then
  /// never lays out thousands of rows nobody asked for.
  void BeginRow(const ObjectRow& row, std::string_view kind = {}) {
    html_ += "<tr";
    if (!kind.empty()) {
      html_ += " id=\"";
      html_ += kind;
      html_ += '-';
      html_ += std::to_string(row.id);
      html_ += '"';
    }
    if (row.problem) html_ += " data-problem=\"1\"";
    if (++rows_ > kRowsShown) html_ += " hidden";
    html_ += '>';
  }
  void EndRow() { html_ += "</tr>\n"; }
  /// A cell of text from outside (escaped here).
  void Text(std::string_view text) { Html(HtmlEscape(text)); }
  /// A cell of HTML this file made.
  void Html(std::string_view html) {
    html_ += "<td>";
    html_ += html;
    html_ += "</td>";
  }
  /// A number sorted by `value`, shown as `shown` (a size, an age).
  void Number(int64_t value, std::string_view shown) {
    html_ += "<td data-v=\"";
    html_ += std::to_string(value);
    html_ += "\">";
    html_ += shown;
    html_ += "</td>";
  }
  /// A number shown as it is: the script sorts it by its text.
  void Number(uint64_t value) {
    html_ += "<td>";
    html_ += std::to_string(value);
    html_ += "</td>";
  }
  void Bytes(uint64_t value) {
    Number(static_cast<int64_t>(value), FormatBytes(static_cast<double>(value)));
  }

 private:
  std::string& html_;
  size_t rows_ = 0;
};

std::string FormatMode(uint32_t mode) {
  char buffer[8];
  std::snprintf(buffer, sizeof(buffer), "0%03o", mode & 0777u);
  return buffer;
}

/// "1234 postgres (gone)", escaped; "-" when no process is recorded.
std::string DescribeProcess(const ProcessMention& process) {
  if (process.pid == 0) return "-";
  std::string text = std::to_string(process.pid);
  if (!process.command.empty()) text.append(" ").append(HtmlEscape(process.command));
  if (process.state == Liveness::kDead) text.append(" <span class=\"failed\">(gone)</span>");
  if (process.state == Liveness::kAlive) text.append(" (running)");
  return text;
}

std::string DescribeNamespace(const ObjectRow& row) {
  if (row.ipc_namespace == 0) return "own";
  std::string text = std::to_string(row.ipc_namespace);
  if (!row.container.empty()) text.append(" (container ").append(row.container).append(")");
  return text;
}

std::string DescribeProblem(const ObjectRow& row) {
  return row.problem ? ProblemName(*row.problem, row.kind == ObjectKind::kPosixShm) : "";
}

void AgeCell(TableWriter& table, int64_t changed, int64_t now) {
  if (changed <= 0) {
    table.Number(0, "never");
    return;
  }
  table.Number(changed, HumanDuration(now > changed ? now - changed : 0).append(" ago"));
}

/// The common tail of a row with a diagnosis: namespace, problem, next step.
void TailCells(TableWriter& table, const ObjectRow& row) {
  table.Text(DescribeNamespace(row));
  table.Html(row.problem ? "<span class=\"failed\">" + DescribeProblem(row) + "</span>" : "");
  const std::string step = NextStep(row);
  const bool command = row.problem && *row.problem == Problem::kOrphanedSegment;
  table.Html(step.empty() ? ""
             : command    ? "<code class=\"cmd\">" + HtmlEscape(step) + "</code>"
                          : HtmlEscape(step));
}

/// A System V object's row up to its mode: key, id, owner, mode.
void SysvRowStart(TableWriter& table, const ObjectRow& row, std::string_view kind) {
  table.BeginRow(row, kind);
  table.Text(FormatKey(row.key));
  table.Number(static_cast<uint64_t>(row.id));
  table.Text(row.owner);
  table.Text(FormatMode(row.mode));
}

/// A POSIX object's row up to its mode: name, owner, mode.
void PosixRowStart(TableWriter& table, const ObjectRow& row) {
  table.BeginRow(row);
  table.Text(row.name);
  table.Text(row.owner);
  table.Text(FormatMode(row.mode));
}

std::vector<const ObjectRow*> OfKind(const std::vector<ObjectRow>& objects, ObjectKind kind) {
  std::vector<const ObjectRow*> rows;
  for (const ObjectRow& row : objects) {
    if (row.kind == kind) rows.push_back(&row);
  }
  return rows;
}

void SegmentTable(std::string* html, const std::vector<ObjectRow>& objects, int64_t now) {
  const std::vector<const ObjectRow*> rows = OfKind(objects, ObjectKind::kShmSegment);
  TableWriter table(
      html, "shm", "System V shared memory segments", rows.size(),
      {"Key", "ID", "Owner", "Mode", "Size", "Attached", "Creator", "Last attach or detach",
       "Last change", "IPC namespace", "Problem", "Next step"});
  for (const ObjectRow* row : rows) {
    SysvRowStart(table, *row, "shm");
    table.Bytes(row->bytes);
    table.Number(row->count);
    table.Html(DescribeProcess(row->creator));
    table.Html(DescribeProcess(row->last));
    AgeCell(table, row->changed, now);
    TailCells(table, *row);
    table.EndRow();
  }
}

/// Every semaphore of an array, folded away until asked for: "value,waiting,pid[,gone]" per
/// semaphore in data-s, which the script turns into a table when the button is pressed
/// (thousands of arrays would otherwise each build a table, or a <details>, nobody looks at).
std::string SemaphoreValues(const ObjectRow& row) {
  if (row.semaphores.empty()) return "unreadable";
  std::string html = "<button class=\"values\" data-s=\"";
  for (size_t n = 0; n < row.semaphores.size(); ++n) {
    const SemaphoreRow& s = row.semaphores[n];
    if (n > 0) html += ';';
    html += std::to_string(s.value);
    html += ',';
    html += std::to_string(s.waiting);
    html += ',';
    html += std::to_string(s.last.pid);
    if (s.last.state == Liveness::kDead) html += ",gone";
  }
  html += "\">";
  html += std::to_string(row.semaphores.size());
  html += " values</button>";
  return html;
}

void ArrayTable(std::string* html, const std::vector<ObjectRow>& objects, int64_t now) {
  const std::vector<const ObjectRow*> rows = OfKind(objects, ObjectKind::kSemArray);
  TableWriter table(html, "sem", "System V semaphore arrays", rows.size(),
                    {"Key", "ID", "Owner", "Mode", "Semaphores", "Waiting", "Values",
                     "Last operation or change", "IPC namespace", "Problem", "Next step"});
  for (const ObjectRow* row : rows) {
    uint64_t waiting = 0;
    for (const SemaphoreRow& s : row->semaphores) waiting += s.waiting;
    SysvRowStart(table, *row, "sem");
    table.Number(row->count);
    table.Number(waiting);
    table.Html(SemaphoreValues(*row));
    AgeCell(table, row->changed, now);
    TailCells(table, *row);
    table.EndRow();
  }
}

/// Bytes queued as a share of the capacity.
void FillCell(TableWriter& table, const ObjectRow& row) {
  if (!row.capacity_bytes || *row.capacity_bytes == 0) {
    table.Html("-");
    return;
  }
  const uint64_t percent = row.bytes * 100 / *row.capacity_bytes;
  table.Number(static_cast<int64_t>(percent), std::to_string(percent) + " %");
}

void QueueTable(std::string* html, const std::vector<ObjectRow>& objects, int64_t now) {
  const std::vector<const ObjectRow*> rows = OfKind(objects, ObjectKind::kMsgQueue);
  TableWriter table(
      html, "msg", "System V message queues", rows.size(),
      {"Key", "ID", "Owner", "Mode", "Messages", "Bytes", "Fill", "Last sender", "Last receiver",
       "Last send, receive or change", "IPC namespace", "Problem", "Next step"});
  for (const ObjectRow* row : rows) {
    SysvRowStart(table, *row, "msg");
    table.Number(row->count);
    table.Bytes(row->bytes);
    FillCell(table, *row);
    table.Html(DescribeProcess(row->sender));
    table.Html(DescribeProcess(row->last));
    AgeCell(table, row->changed, now);
    TailCells(table, *row);
    table.EndRow();
  }
}

void PosixShmTable(std::string* html, const std::vector<ObjectRow>& objects, int64_t now) {
  const std::vector<const ObjectRow*> rows = OfKind(objects, ObjectKind::kPosixShm);
  TableWriter table(html, "posix_shm", "POSIX shared memory objects", rows.size(),
                    {"Name", "Owner", "Mode", "Size", "Processes", "Modified", "IPC namespace",
                     "Problem", "Next step"});
  for (const ObjectRow* row : rows) {
    PosixRowStart(table, *row);
    table.Bytes(row->bytes);
    table.Number(row->count);
    AgeCell(table, row->changed, now);
    TailCells(table, *row);
    table.EndRow();
  }
}

void PosixSemaphoreTable(std::string* html, const std::vector<ObjectRow>& objects) {
  const std::vector<const ObjectRow*> rows = OfKind(objects, ObjectKind::kPosixSemaphore);
  TableWriter table(html, "posix_sem", "POSIX named semaphores", rows.size(),
                    {"Name", "Owner", "Mode", "Value", "Waiting", "IPC namespace"});
  for (const ObjectRow* row : rows) {
    PosixRowStart(table, *row);
    table.Number(row->count);
    table.Number(row->waiting);
    table.Text(DescribeNamespace(*row));
    table.EndRow();
  }
}

void PosixQueueTable(std::string* html, const std::vector<ObjectRow>& objects) {
  const std::vector<const ObjectRow*> rows = OfKind(objects, ObjectKind::kPosixQueue);
  TableWriter table(html, "posix_mqueue", "POSIX message queues", rows.size(),
                    {"Name", "Owner", "Mode", "Messages", "Bytes", "Fill", "IPC namespace"});
  for (const ObjectRow* row : rows) {
    PosixRowStart(table, *row);
    table.Number(row->count);
    table.Bytes(row->bytes);
    FillCell(table, *row);
    table.Text(DescribeNamespace(*row));
    table.EndRow();
  }
}

/// "nsenter --target PID --ipc " (or --mount for /dev/shm) before a command that must run in
/// another namespace; "" for the exporter's own.
std::string EnterNamespace(const ObjectRow& row, std::string_view what) {
  if (row.ipc_namespace == 0) return "";
  return std::string("nsenter --target ")
      .append(std::to_string(row.namespace_pid))
      .append(" ")
      .append(what)
      .append(" ");
}

}  // namespace

std::string NextStep(const ObjectRow& row) {
  if (!row.problem) return "";
  if (row.ipc_namespace != 0 && row.namespace_pid == 0) {
    return "no process is left in its IPC namespace: remove it from a process that joins it";
  }
  switch (*row.problem) {
    case Problem::kOrphanedSegment:
      if (row.kind == ObjectKind::kPosixShm) {
        return EnterNamespace(row, "--mount").append("rm /dev/shm").append(row.name);
      }
      return EnterNamespace(row, "--ipc").append("ipcrm -m ").append(std::to_string(row.id));
    case Problem::kStuckSemaphore:
      return "do not remove it (its waiters would fail with EIDRM): restart the application "
             "whose processes wait on it";
    case Problem::kStalledQueue:
      return std::string("do not remove it (")
          .append(std::to_string(row.count))
          .append(" messages would be lost): restart its consumer");
  }
  return "";
}

std::string RenderObjectTables(const std::vector<ObjectRow>& objects, int64_t now) {
  std::string html =
      "<p><label>Filter <input id=\"filter\" type=\"search\" placeholder=\"key, id, name, owner, "
      "command\"></label> <label><input id=\"problems\" type=\"checkbox\"> problems only</label> "
      "<span id=\"shown\"></span></p>\n";
  html.reserve(160 * objects.size());
  SegmentTable(&html, objects, now);
  ArrayTable(&html, objects, now);
  QueueTable(&html, objects, now);
  PosixShmTable(&html, objects, now);
  PosixSemaphoreTable(&html, objects);
  PosixQueueTable(&html, objects);
  return html;
}

const char* const kObjectTablesScript = R"js(
(function () {
  var PAGE = 50;  // rows shown per table until "show all": kRowsShown
  var filter = document.getElementById('filter');
  var problems = document.getElementById('problems');
  var tables = Array.prototype.slice.call(document.querySelectorAll('table.objects'));
  var wanted = new URLSearchParams(location.hash.slice(1));
  var everything = wanted.has('all');
  function apply() {
    var text = filter.value.toLowerCase(), shown = 0, total = 0;
    tables.forEach(function (table) {
      var matching = 0, rows = table.tBodies[0].rows;
      for (var i = 0; i < rows.length; i++) {
        var row = rows[i];
        var match = (!problems.checked || row.hasAttribute('data-problem')) &&
                    (text === '' || row.textContent.toLowerCase().indexOf(text) >= 0);
        if (match) matching++;
        var hide = !match || (!everything && matching > PAGE);
        if (row.hidden !== hide) row.hidden = hide;
        if (!hide) shown++;
      }
      total += rows.length;
      var more = table.nextElementSibling;
      if (more && more.className === 'more') {
        more.hidden = everything || matching <= PAGE;
        more.textContent = 'show all ' + matching;
      }
    });
    document.getElementById('shown').textContent = shown + ' of ' + total + ' shown';
  }
  function expand(button) {
    if (button.nextElementSibling) return;
    var html = '<table class="semaphores"><tr><th>#</th><th>Value</th><th>Waiting</th>' +
               '<th>Last process</th></tr>';
    button.getAttribute('data-s').split(';').forEach(function (s, n) {
      var f = s.split(',');
      html += '<tr><td>' + n + '</td><td>' + f[0] + '</td><td>' + f[1] + '</td><td>' +
              (f[2] === '0' ? '-' : f[2] + (f[3] ? ' (gone)' : '')) + '</td></tr>';
    });
    button.insertAdjacentHTML('afterend', html + '</table>');
  }
  tables.forEach(function (table) {
    var more = document.createElement('button');
    more.className = 'more';
    more.addEventListener('click', function () { everything = true; apply(); });
    table.after(more);
  });
  document.querySelectorAll('button.values').forEach(function (button) {
    button.addEventListener('click', function () { expand(button); });
    if (wanted.has('expand')) expand(button);
  });
  if (wanted.has('filter')) filter.value = wanted.get('filter');
  problems.checked = wanted.has('problems');
  filter.addEventListener('input', apply);
  problems.addEventListener('change', apply);
  apply();
  document.querySelectorAll('table.objects > thead th').forEach(function (header) {
    header.addEventListener('click', function () {
      var body = header.closest('table').tBodies[0];
      var column = header.cellIndex;
      var order = header.getAttribute('data-order') === 'up' ? -1 : 1;
      header.setAttribute('data-order', order === 1 ? 'up' : 'down');
      var key = function (cell) {
        var v = cell.getAttribute('data-v');
        return v !== null ? Number(v) : Number(cell.textContent);
      };
      var sorted = Array.prototype.slice.call(body.rows).sort(function (a, b) {
        var x = a.cells[column], y = b.cells[column], kx = key(x), ky = key(y);
        var c = isNaN(kx) || isNaN(ky) ? x.textContent.localeCompare(y.textContent) : kx - ky;
        return order * c;
      });
      sorted.forEach(function (row) { body.appendChild(row); });
      apply();
    });
  });
})();
)js";

}  // namespace ipc_exporter
