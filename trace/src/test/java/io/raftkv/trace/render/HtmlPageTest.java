package io.raftkv.trace.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The page embeds whatever the trace holds as data, never as markup. */
class HtmlPageTest {

  @Test
  void markup_in_fields_titles_and_hosts_stays_data() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("clientId", "</script><script>alert(1)</script>");
    fields.put("opId", 1L);
    fields.put("value", "a & b \u2028 \"q\" <!--");
    Event e = new Event("client1", 1, Map.of("client1", 1L), "t<1>", "PutStart", fields, 0);
    String html = HtmlPage.html(
        TraceRenderer.diagram(List.of(e), RenderOptions.all()), "<b>title</b>", "s");
    assertEquals(2, html.split("</script>", -1).length - 1,
        "only the data element and the page's script are closed");
    assertFalse(html.contains("<b>title"));
    assertFalse(html.contains("<!--"));
    assertFalse(html.contains("\u2028"));
  }
}
